"""How the platform rounds a figure it shows: half up, on the number as a person would
write it. Every percentage and every figure with decimals that a person reads — on a page,
in a chart, a workbook, a PDF or the JSON of `capacita report` — is rounded here, once,
where it is computed, so that one figure is one number wherever it appears.

Why not Python's `round()`: it rounds a half to the even neighbour ("banker's rounding"),
so `round(82.5)` is 82 and `round(83.5)` is 84; and it works on the binary float, so
`round(2.675, 2)` is 2.67. People, spreadsheet formats and the reports' readers round a
half up: 82.5 % is 83 %. Here a half goes away from zero (82.5 → 83, −22.5 → −23).

Floats carry noise from the arithmetic that made them (`0.285 * 100` is
28.499999999999996, a mean of scores may be 0.8249999999999999): a value is first taken to
`NOISE_DECIMALS` decimals, which removes that noise and never moves a real half, and only
then rounded half up to the places asked.
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

# Decimals beyond which a float's digits are noise of its arithmetic.
NOISE_DECIMALS = 9


def _decimal(value) -> Decimal:
    """`value` as the decimal a person would write (the float's shortest repr), its noise
    beyond `NOISE_DECIMALS` removed."""
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return number.quantize(Decimal(1).scaleb(-NOISE_DECIMALS), rounding=ROUND_HALF_EVEN)


def half_up(value, places: int = 0):
    """`value` rounded half up (away from zero) to `places` decimals: an `int` for 0
    places, else a `float`; `None` stays `None`. `half_up(3.45, 1)` is 3.5,
    `half_up(-0.5)` is -1."""
    if value is None:
        return None
    rounded = _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return int(rounded) if places <= 0 else float(rounded)


def percent(share) -> int | None:
    """A share (a fraction, 0.825) as the whole percentage shown for it (83), half up;
    `None` stays `None`."""
    if share is None:
        return None
    return half_up(_decimal(share) * 100)


def share(value) -> float | None:
    """A share as it is shown, still a fraction: `share(0.825)` is 0.83, the fraction whose
    whole percentage is `percent(0.825)`. Figures handed on as fractions (JSON, workbooks,
    the templates' `percent` filter) go through this, so that no later rounding can make
    them another number."""
    if value is None:
        return None
    if type(value) is float:
        return _float_share(value)
    return percent(value) / 100


@functools.lru_cache(maxsize=4096)
def _float_share(value: float) -> float:
    """`share` of a float, worked out once per value: a report's thousands of scores are a
    few dozen fractions (right answers over questions), each rounded once."""
    return percent(value) / 100
