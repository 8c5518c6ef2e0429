"""UPU S10 tracking numbers (UPU standard S10, 13-character item identifier)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pracharat.market.lib.s10 import S10Error, check_digit, make, validate


def test_worked_example():
    # 1*8 + 2*6 + 3*4 + 4*2 + 5*3 + 6*5 + 7*9 + 8*7 = 204; 204 % 11 = 6; 11 - 6 = 5
    assert check_digit("12345678") == 5
    assert validate("EE123456785TH") == "EE123456785TH"


def test_remainder_rules():
    # check = 11 - r where r = weighted sum % 11; r = 1 gives 10 -> 0, r = 0 gives 11 -> 5.
    assert check_digit("00000001") == 4  # sum 7, r = 7
    assert check_digit("00000003") == 1  # sum 21, r = 10
    assert check_digit("00000008") == 0  # sum 56, r = 1 -> 10 -> 0
    assert check_digit("00000000") == 5  # sum 0, r = 0 -> 11 -> 5
    assert check_digit("00000015") == 5  # sum 44, r = 0 -> 11 -> 5
    assert check_digit("00000004") == 5  # sum 28, r = 6 -> 5 as well


def _weighted(serial: str) -> int:
    return sum(int(d) * w for d, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))


def test_normalises_spaces_and_case():
    assert validate(" ee 1234 5678 5 th\n") == "EE123456785TH"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("EE12345678TH", "13 characters"),
        ("EE1234567855TH", "13 characters"),
        ("E1123456785TH", "start with two letters"),
        ("EE12345A785TH", "must be digits"),
        ("EE123456785T1", "two-letter country code"),
        ("EE123456784TH", "check digit 4 but the serial 12345678 needs 5"),
    ],
)
def test_clear_errors(code, message):
    with pytest.raises(S10Error, match=message):
        validate(code)


def test_error_is_a_value_error():
    assert issubclass(S10Error, ValueError)


def test_make():
    assert make("EE", 12345678) == "EE123456785TH"
    assert make("rr", "00000001", "th") == "RR000000014TH"
    assert make("CP", 7) == "CP000000076TH"
    with pytest.raises(S10Error, match="between 0 and 99999999"):
        make("EE", 100_000_000)
    with pytest.raises(S10Error, match="two letters"):
        make("E1", 1)
    with pytest.raises(S10Error, match="exactly 8 digits"):
        make("EE", "123")


serials = st.integers(min_value=0, max_value=99_999_999)
letters2 = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)


@given(prefix=letters2, serial=serials, country=letters2)
def test_make_then_validate_roundtrips(prefix, serial, country):
    code = make(prefix, serial, country)
    assert len(code) == 13
    assert validate(code.lower()) == code
    assert 0 <= check_digit(code[2:10]) <= 9


@given(serial=serials, position=st.integers(0, 7), delta=st.integers(1, 9))
def test_single_digit_typos_are_caught_except_the_known_blind_spot(serial, position, delta):
    # Every weight is coprime to 11, so changing one digit always changes r = sum % 11; but
    # r = 0 and r = 6 both give check digit 5, so a typo that moves r between 0 and 6 passes.
    code = make("EE", serial)
    digits = list(code[2:10])
    digits[position] = str((int(digits[position]) + delta) % 10)
    typo = code[:2] + "".join(digits) + code[10:]
    before, after = _weighted(code[2:10]) % 11, _weighted("".join(digits)) % 11
    assert before != after
    if {before, after} == {0, 6}:
        assert validate(typo) == typo
    else:
        with pytest.raises(S10Error, match="check digit"):
            validate(typo)


THAI_LETTERS = re.compile("[\u0e01-\u0e4f]")
ENGLISH_WORDS = re.compile(r"\b(?:the|must|has|digit|characters|serial|not|typo)\b", re.I)


@pytest.mark.parametrize(
    "code",
    ["EE12345678TH", "1E123456785TH", "EE12345X785TH", "EE12345678511", "EE123456784TH", 42],
)
def test_every_s10_message_reads_in_thai_and_in_english(code):
    from django.utils import translation

    with pytest.raises(S10Error) as caught:
        validate(code)
    error = caught.value
    assert error.translated(lambda message: message) == str(error)  # English by default
    with translation.override("th"):
        thai = error.translated(translation.gettext)
    assert THAI_LETTERS.search(thai) and not ENGLISH_WORDS.search(thai), thai
    with translation.override("en"):
        assert error.translated(translation.gettext) == str(error)
