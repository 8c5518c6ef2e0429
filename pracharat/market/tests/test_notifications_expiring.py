"""The "about to expire" message to the group (the expiry job calls it)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pracharat.market import actions, notifications
from pracharat.market.models import Order
from pracharat.market.tests.test_notifications import GROUP_LINE, group_on_line  # noqa: F401

pytestmark = pytest.mark.django_db


def test_an_order_about_to_expire_reaches_the_group_on_line_once(
    group_on_line,  # noqa: F811
    chili_products,
    buyer_details,
    line_api,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        (order,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    line_api.delivered.clear()
    deadline = datetime(2026, 12, 3, 9, 30, tzinfo=ZoneInfo("Asia/Bangkok"))
    Order.objects.filter(pk=order.pk).update(payment_deadline=deadline)
    for _ in range(2):  # the job may run twice
        with django_capture_on_commit_callbacks(execute=True):
            notifications.order_expiring(order)
    (push,) = line_api.delivered
    assert push.to == GROUP_LINE
    assert push.texts[0].startswith(f"คำสั่งซื้อ {order.number} ใกล้หมดเวลาชำระเงิน\n")
    assert "หมดอายุเมื่อ" in push.texts[0] and "2569" in push.texts[0]
