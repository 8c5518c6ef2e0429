"""The one domain error: its fields, and how a view puts it on a form."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from pracharat.core.errors import Conflict, DomainError, Invalid, NotAllowed, TooMany, add_to_form


class AddressForm(forms.Form):
    buyer_phone = forms.CharField(required=False)
    tracking_number = forms.CharField(required=False)


def test_each_kind_has_its_status_and_code():
    assert (Invalid().status, Invalid().code) == (422, "invalid")
    assert (NotAllowed().status, NotAllowed().code) == (403, "forbidden")
    assert (Conflict().status, Conflict().code) == (409, "conflict")
    assert (TooMany().status, TooMany().code) == (429, "too_many_requests")
    custom = DomainError("x", code="payment_refused", status=401)
    assert (custom.status, custom.code, str(custom)) == (401, "payment_refused", "x")


def test_the_default_message_follows_the_active_language():
    error = NotAllowed()
    with translation.override("th"):
        assert str(error) == "คุณไม่มีสิทธิ์ทำรายการนี้"
    with translation.override("en"):
        assert str(error) == "You may not do this."


def test_field_messages_become_api_details():
    error = Invalid(fields={"phone": "bad phone", "name": "no name"})
    assert error.details == [
        {"loc": ["phone"], "message": "bad phone"},
        {"loc": ["name"], "message": "no name"},
    ]
    single = Conflict("taken", field="tracking_number")
    assert single.fields == {"tracking_number": "taken"} and str(single) == "taken"
    assert Invalid(fields={"phone": "bad phone"}).message == "bad phone"


def test_add_to_form_puts_each_message_on_its_field_after_renaming():
    form = AddressForm({})
    assert form.is_valid()
    add_to_form(form, Invalid(fields={"phone": "bad phone", "other": "elsewhere"}),
                {"phone": "buyer_phone"})  # fmt: skip
    assert form.errors["buyer_phone"] == ["bad phone"]
    assert form.non_field_errors() == ["elsewhere"]


def test_add_to_form_takes_a_plain_refusal_and_a_model_validation_error():
    form = AddressForm({})
    assert form.is_valid()
    add_to_form(form, Conflict("the order is shipped"))
    add_to_form(form, ValidationError({"tracking_number": ["bad number"]}))
    add_to_form(form, ValidationError("a whole-form message"))
    assert form.non_field_errors() == ["the order is shipped", "a whole-form message"]
    assert form.errors["tracking_number"] == ["bad number"]
    with pytest.raises(TypeError):
        add_to_form(form, ValueError("not a refusal"))
