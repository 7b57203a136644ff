import math

from capacita.certificates import codes


def test_a_code_carries_at_least_80_bits_of_randomness():
    assert len(set(codes.ALPHABET)) == 32 == len(codes.ALPHABET)
    assert codes.LENGTH * math.log2(len(codes.ALPHABET)) >= 80
    made = {codes.new_code() for _ in range(5000)}
    assert len(made) == 5000
    assert all(len(code) == codes.LENGTH and set(code) <= set(codes.ALPHABET) for code in made)
    # Every symbol turns up: the draw is over the whole alphabet.
    assert set("".join(made)) == set(codes.ALPHABET)


def test_codes_avoid_the_characters_people_confuse():
    assert not set("ILOU") & set(codes.ALPHABET)


def test_a_code_is_shown_in_groups_of_four():
    assert codes.formatted("7KQ3M9XD2HPNW4TB") == "7KQ3-M9XD-2HPN-W4TB"


def test_a_typed_code_is_read_as_the_stored_one():
    stored = "7KQ3M9XD2HPNW4TB"
    for typed in ("7KQ3-M9XD-2HPN-W4TB", "7kq3 m9xd 2hpn w4tb", " 7KQ3M9XD2HPNW4TB "):
        assert codes.normalized(typed) == stored
    # O is read as 0, I and L as 1.
    assert codes.normalized("O000-1111-IIII-LLLL") == "0000111111111111"


def test_what_cannot_be_a_code_is_refused():
    for typed in ("", "7KQ3-M9XD-2HPN", "7KQ3-M9XD-2HPN-W4TBX", "UUUU-UUUU-UUUU-UUUU", "7KQ3*M9XD"):
        assert codes.normalized(typed) is None
