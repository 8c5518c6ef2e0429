"""Phone numbers in any digit script; invisible characters refused in what people type."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from pracharat.core.lib.phone import PhoneError, normalise_phone
from pracharat.core.lib.text import InvisibleCharacter, check_visible, invisible_characters
from pracharat.core.validators import visible_line, visible_text


@pytest.mark.parametrize(
    "typed",
    [
        "0812345678",
        "081-234-5678",
        "+66 81 234 5678",
        "๐๘๑๒๓๔๕๖๗๘",  # Thai digits, as a Thai keyboard types them
        "๐๘๑-๒๓๔-๕๖๗๘",
        "٠٨١٢٣٤٥٦٧٨",  # Arabic-Indic
        "０８１２３４５６７８",  # full-width
        "+６６８１２３４５６７８",
    ],
)
def test_a_phone_in_any_digit_script_is_stored_in_ascii(typed):
    assert normalise_phone(typed) == "0812345678"


@pytest.mark.parametrize("typed", ["08123456789012", "08123456", "081234567x", "²812345678", ""])
def test_what_is_not_a_thai_phone_is_refused(typed):
    with pytest.raises(PhoneError):
        normalise_phone(typed)


@given(st.text(max_size=30))
def test_normalised_phones_are_always_ascii(text):
    try:
        phone = normalise_phone(text)
    except PhoneError:
        return
    assert phone.isascii() and phone.isdigit() and phone.startswith("0")


@pytest.mark.parametrize(
    "name",
    [
        "สมชาย\u200bใจดี",  # zero-width space
        "Somchai\u202eliaM",  # right-to-left override
        "\u2066name\u2069",  # isolates
        "name\u200d",  # zero-width joiner
        "\ufeffname",  # byte-order mark
        "line\u2028break",
        "bell\x07",
    ],
)
def test_invisible_and_bidi_characters_are_refused(name):
    with pytest.raises(InvisibleCharacter):
        check_visible(name)
    with pytest.raises(ValidationError, match="U\\+"):
        visible_line(name)


@pytest.mark.parametrize(
    "name", ["นางสาวสมหญิง ใจดี", "น้ำพริกเผาบ้านคลองเมม", "Nguyễn Văn A", "O'Brien-Smith", "กลุ่ม ๑"]
)
def test_real_names_pass(name):
    assert check_visible(name) == name
    visible_line(name)


def test_line_breaks_only_where_a_field_has_lines():
    assert invisible_characters("บ้านเลขที่ 1\nหมู่ 9") == [(12, "\n")]
    visible_text("บ้านเลขที่ 1\r\nหมู่ 9\tซอย 2")
    with pytest.raises(ValidationError):
        visible_text("ok\u202e")
