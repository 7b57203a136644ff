"""What a browser posts to the views that read `request.POST` without a Django form.

Django's form fields refuse NUL characters and read numbers safely; these helpers do the
same for the views that take a reason, a text or an id straight from the request:

- `has_nul(request.POST)`: whether any value holds a NUL character, which PostgreSQL cannot
  store in text (the view answers with `NUL_MESSAGE` and saves nothing);
- `posted_id(value)`: a whole number written in ASCII digits that could be an id, or None
  ("²".isdigit() is true, yet int("²") fails).
"""

from __future__ import annotations

from django.core.validators import ProhibitNullCharactersValidator

NUL = "\x00"

# The message of Django's own check on form fields (“Null characters are not allowed.”),
# translated by Django.
NUL_MESSAGE = ProhibitNullCharactersValidator.message


def has_nul(data) -> bool:
    """Whether a NUL character is in any name or value of `data` (a QueryDict or a dict)."""
    lists = data.lists() if hasattr(data, "lists") else ((k, [v]) for k, v in data.items())
    return any(
        NUL in name or any(isinstance(value, str) and NUL in value for value in values)
        for name, values in lists
    )


# The largest id a database column holds (a signed 64-bit integer): 19 digits at most.
LARGEST_ID = 2**63 - 1


def posted_id(value) -> int | None:
    """`value` as a whole number when it is written in ASCII digits only and could be an id
    (no larger than a database column holds), else None. Thousands of digits would make
    `int()` refuse (Python's limit on converting long strings), a number beyond 64 bits the
    database driver."""
    value = value if isinstance(value, str) else ""
    digits = value.lstrip("0")
    if not (value.isascii() and value.isdigit()) or len(digits) > 19:
        return None
    number = int(digits or "0")
    return number if number <= LARGEST_ID else None
