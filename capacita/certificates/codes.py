"""Verification codes: unguessable, short enough to read over the phone and type.

A code is 16 symbols of Crockford's base 32 (digits and capitals without I, L, O and U),
each carrying 5 bits: 80 bits from the operating system's random source. It is shown in
groups of four (`7KQ3-M9XD-2HPN-W4TB`). When a code is typed, case, spaces and dashes do not
matter, and the letters people confuse with digits are read as those digits (O as 0, I and
L as 1), as Crockford's encoding prescribes.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16
GROUP = 4
BITS = LENGTH * 5
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    """A fresh code, without dashes (as stored)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def formatted(code: str) -> str:
    """`7KQ3M9XD2HPNW4TB` → `7KQ3-M9XD-2HPN-W4TB`."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalized(typed: str) -> str | None:
    """The stored form of a typed code, or None when it cannot be one."""
    code = "".join(typed.split()).replace("-", "").upper().translate(_READ_AS)
    if len(code) != LENGTH or any(symbol not in ALPHABET for symbol in code):
        return None
    return code
