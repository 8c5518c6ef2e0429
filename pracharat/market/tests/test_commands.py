"""The stall-side PromptPay command and the Track & Trace poll command."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from pracharat.market import thaipost
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


def test_track_polls_as_a_periodic_job_of_the_one_schedule(settings):
    from django.utils.module_loading import import_string

    path, every = settings.PERIODIC_JOBS["market.thaipost"]
    assert import_string(path) is thaipost.poll_if_configured
    assert every == settings.THAILANDPOST_POLL_SECONDS >= 60


@pytest.mark.django_db
def test_the_periodic_poll_waits_without_a_key_and_survives_an_outage(settings, monkeypatch):
    settings.THAILANDPOST_API_KEY = ""
    assert thaipost.poll_if_configured() == {"skipped": "no THAILANDPOST_API_KEY"}
    settings.THAILANDPOST_API_KEY = "k"

    def down(client=None):
        raise thaipost.TrackTraceError("503 from Track & Trace")

    monkeypatch.setattr(thaipost, "poll_shipped_orders", down)
    assert thaipost.poll_if_configured() == {"failed": "503 from Track & Trace"}
