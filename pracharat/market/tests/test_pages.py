"""Read helpers of the web side: money display, month labels, income by month, CSV safety."""

from decimal import Decimal

import pytest
from django.utils import timezone, translation

from pracharat.market import actions, reports
from pracharat.market.models import Order
from pracharat.market.templatetags.market import baht, thb


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1250.5"), "1,250.50"),
        (Decimal("0"), "0.00"),
        ("65", "65.00"),
        (Decimal("1234567.891"), "1,234,567.89"),
        (None, ""),
        ("not money", ""),
    ],
)
def test_baht_is_exact_with_thousands(value, shown):
    assert baht(value) == shown


def test_thb_reads_naturally_in_both_languages():
    with translation.override("en"):
        assert thb(Decimal("65")) == "฿65.00"
    with translation.override("th"):
        assert thb(Decimal("65")) == "65.00 บาท"


@pytest.mark.django_db
def test_income_by_month_has_every_month_and_only_paid_goods(
    chili_products, buyer_details, producer
):
    paid, unpaid = (
        actions.checkout({chili_products["pao"].pk: 2}, buyer_details)[0],
        actions.checkout({chili_products["tadaeng"].pk: 1}, buyer_details)[0],
    )
    actions.confirm_payment(paid, actor=producer)
    rows = reports.income_by_month(Order.objects.all())
    assert len(rows) == 12
    assert rows[-1]["month"] == timezone.localdate().replace(day=1)
    assert rows[-1]["income"] == Decimal("130.00") and rows[-1]["orders"] == 1
    assert rows[0]["income"] == 0
    assert unpaid.status == "pending_payment"
    best = reports.best_sellers(Order.objects.all())
    assert best == [
        {
            "product_id": chili_products["pao"].pk,
            "title": "น้ำพริกเผา",
            "quantity": 2,
            "revenue": Decimal("130.00"),
        }
    ]
