"""Outgoing e-mail: every message is recorded, then delivered by a background worker."""
