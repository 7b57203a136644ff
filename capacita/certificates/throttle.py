"""Look-ups of codes that do not exist, counted per address: past the limit, the address's
next unknown codes get 429 until the oldest of its failures leaves the window. A code that
exists is always verified, whatever the count: an office behind one address must never be
kept from checking a real certificate because someone there mistyped, or guessed, codes.

This slows whoever respects 429 and keeps the table small (failures during the wait are not
recorded); a guesser who ignores 429 still learns which codes are unknown. What makes
guessing hopeless is the 80 bits of each code (`codes.BITS`)."""

from __future__ import annotations

from capacita.shared.throttles import AddressThrottle, client_address

from .models import FailedLookup

__all__ = ["client_address", "note_failure", "retry_after"]

unknown_codes = AddressThrottle(
    FailedLookup, limit="VERIFY_FAILURE_LIMIT", window="VERIFY_FAILURE_WINDOW_SECONDS"
)
retry_after = unknown_codes.retry_after
note_failure = unknown_codes.note
