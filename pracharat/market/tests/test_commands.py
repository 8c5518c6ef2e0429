"""The stall-side PromptPay command and the Track & Trace poll command."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from pracharat.market.lib import promptpay


def test_promptpay_prints_the_payload_and_a_terminal_qr(capsys):
    call_command("promptpay", "081-234-5678", "--amount", "120.50")
    out = capsys.readouterr().out.splitlines()
    decoded = promptpay.parse(out[0])
    assert str(decoded.amount) == "120.50" and decoded.proxy.display == "081-234-5678"
    assert len(out) > 10 and any("\u2588" in line or "\u2580" in line for line in out)
    assert out[-1] == "PromptPay 081-234-5678 · 120.50 THB"


def test_promptpay_static_payload_only(capsys):
    call_command("promptpay", "0812345678", "--no-qr")
    assert capsys.readouterr().out.strip() == promptpay.payload("0812345678")


def test_promptpay_explains_a_bad_id_or_amount():
    with pytest.raises(CommandError, match="digits"):
        call_command("promptpay", "12345")
    with pytest.raises(CommandError, match="baht"):
        call_command("promptpay", "0812345678", "--amount", "lots")


@pytest.mark.django_db
def test_track_without_a_key_fails_clearly(settings, chili_products, buyer_details, producer):
    from pracharat.market import actions
    from pracharat.market.lib import s10

    settings.THAILANDPOST_API_KEY = ""
    (order,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    actions.confirm_payment(order, actor=producer)
    actions.ship(order, s10.make("EF", 3), actor=producer)
    with pytest.raises(CommandError, match="THAILANDPOST_API_KEY"):
        call_command("track")


def test_track_refuses_to_poll_more_often_than_a_minute():
    with pytest.raises(CommandError, match="60 seconds"):
        call_command("track", "--every", "10")
