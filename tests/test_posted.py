"""Ids read straight from a posted form: only ASCII digits that a database column can hold."""

from __future__ import annotations

import pytest

from capacita.shared.posted import LARGEST_ID, posted_id


@pytest.mark.parametrize(
    "value, expected",
    [
        ("7", 7),
        ("007", 7),
        (str(LARGEST_ID), LARGEST_ID),
        ("0" * 4301, 0),
        ("0" * 4300 + "5", 5),
        (str(LARGEST_ID + 1), None),
        ("9" * 4301, None),
        ("²", None),
        ("١٢", None),
        (" 7 ", None),
        ("-1", None),
        ("", None),
        (None, None),
        (7, None),
    ],
)
def test_an_id_is_ascii_digits_a_database_can_hold(value, expected):
    assert posted_id(value) == expected
