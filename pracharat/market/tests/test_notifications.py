"""Order e-mails: after commit only, to buyer and seller, never breaking the change itself."""

from __future__ import annotations

import pytest
from django.core import mail

from pracharat.market import actions, notifications
from pracharat.market.lib import s10

pytestmark = pytest.mark.django_db


def test_mail_follows_the_commit_not_the_call(
    chili_products, buyer_details, producer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        (order,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    buyer_mail = next(m for m in mail.outbox if m.to == ["somsri@example.org"])
    assert order.number in buyer_mail.subject and "น้ำพริกเผา × 1" in buyer_mail.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.confirm_payment(order, actor=producer)
        actions.ship(order, s10.make("EF", 58230417), actor=producer)
    shipped = [m for m in mail.outbox if "EF582304177TH" in m.body]
    assert shipped and shipped[-1].to == ["somsri@example.org"]


def test_muted_sends_nothing(chili_products, buyer_details, django_capture_on_commit_callbacks):
    with notifications.muted(), django_capture_on_commit_callbacks(execute=True):
        actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    assert mail.outbox == []


def test_a_mail_outage_is_logged_not_raised(
    chili_products, buyer_details, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    with django_capture_on_commit_callbacks(execute=True):
        (order,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    assert "could not send" in caplog.text and order.pk
