"""Order messages through core.notifications: after commit only, to the buyer and to the
group (its e-mail and LINE group, and each member), each in their own language."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.utils import translation

from pracharat.core.models import Delivery, DeliveryStatus, NotificationChannel
from pracharat.market import actions, notifications
from pracharat.market.lib import s10
from pracharat.market.tests.conftest import slip_picture

pytestmark = pytest.mark.django_db

GROUP_LINE = "C" + "5e1f" * 8


@pytest.fixture
def group_on_line(chili_group):
    chili_group.line_push_id = GROUP_LINE
    chili_group.save()
    return chili_group


def test_mail_follows_the_commit_not_the_call(
    chili_products, buyer_details, producer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        (order,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    assert mail.outbox == [] and callbacks
    for callback in callbacks:
        callback()
    buyer_mail = next(m for m in mail.outbox if m.to == ["somsri@example.org"])
    assert order.number in buyer_mail.subject and "น้ำพริกเผา × 1" in buyer_mail.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.confirm_payment(order, actor=producer)
        actions.ship(order, s10.make("EF", 58230417), actor=producer)
    shipped = [m for m in mail.outbox if "EF582304177TH" in m.body]
    assert shipped and shipped[-1].to == ["somsri@example.org"]


def test_a_new_order_reaches_the_group_on_line_and_by_mail(
    group_on_line, chili_products, buyer_details, line_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (order,) = actions.checkout({chili_products["pao"].pk: 2}, buyer_details)
    (push,) = line_api.delivered
    assert push.to == GROUP_LINE
    assert push.texts[0].startswith(f"คำสั่งซื้อใหม่ {order.number}\n")
    assert "น้ำพริกเผา × 2" in push.texts[0] and "สมศรี ใจงาม 0891234567" in push.texts[0]
    seller_mails = {m.to[0]: m for m in mail.outbox if "คำสั่งซื้อใหม่" in m.subject}
    assert set(seller_mails) == {"chili@example.org", "malee@example.org"}
    group_rows = Delivery.objects.filter(
        recipient_type=ContentType.objects.get_for_model(group_on_line),
        recipient_id=str(group_on_line.pk),
    )
    assert {(d.channel, d.address, d.status) for d in group_rows} == {
        (NotificationChannel.EMAIL, "chili@example.org", DeliveryStatus.SENT),
        (NotificationChannel.LINE, GROUP_LINE, DeliveryStatus.SENT),
    }


def test_a_new_slip_reaches_the_group(
    group_on_line, chili_products, buyer_details, line_api, django_capture_on_commit_callbacks
):
    (order,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    with django_capture_on_commit_callbacks(execute=True):
        actions.record_slip(order, slip_picture())
    (push,) = line_api.delivered
    assert push.texts[0].startswith(f"มีสลิปโอนเงินให้ตรวจ คำสั่งซื้อ {order.number}")
    assert any(
        m.to == ["chili@example.org"] and "มีสลิปโอนเงินให้ตรวจ" in m.subject for m in mail.outbox
    )


def test_the_buyer_reads_the_language_they_ordered_in_and_the_seller_reads_thai(
    chili_products, buyer_details, producer, django_capture_on_commit_callbacks
):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        (order,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    assert order.language == "en"
    by_address = {m.to[0]: m for m in mail.outbox}
    buyer_mail = by_address["somsri@example.org"]
    assert buyer_mail.subject == f"Order {order.number} received"
    assert "Total: 100.00 baht" in buyer_mail.body and "Track my order" in buyer_mail.body
    assert by_address["chili@example.org"].subject == f"คำสั่งซื้อใหม่ {order.number}"
    producer.language = "en"
    producer.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel(order, actor=producer)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["malee@example.org"].subject == f"Order {order.number} cancelled"
    assert by_address["chili@example.org"].subject == f"คำสั่งซื้อ {order.number} ถูกยกเลิก"


def test_muted_sends_nothing(chili_products, buyer_details, django_capture_on_commit_callbacks):
    with notifications.muted(), django_capture_on_commit_callbacks(execute=True):
        actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    assert mail.outbox == [] and not Delivery.objects.exists()


def test_a_mail_outage_is_logged_not_raised(
    chili_products, buyer_details, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        (order,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    assert "could not send" in caplog.text and order.pk
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.FAILED}
