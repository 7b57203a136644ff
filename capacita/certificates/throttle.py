"""Too many look-ups of codes that do not exist, from one address, get 429: guessing codes
is slow even before the 80 bits of each code make it hopeless."""

from __future__ import annotations

from capacita.throttles import AddressThrottle, client_address

from .models import FailedLookup

__all__ = ["client_address", "is_throttled", "note_failure"]

unknown_codes = AddressThrottle(
    FailedLookup, limit="VERIFY_FAILURE_LIMIT", window="VERIFY_FAILURE_WINDOW_SECONDS"
)
is_throttled = unknown_codes.is_throttled
note_failure = unknown_codes.note
