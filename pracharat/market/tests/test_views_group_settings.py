"""The seller's order settings page: the group's members set the hours to pay, cash on
delivery and its fee, the LINE ID (and owners/managers the PromptPay ID); new orders follow;
outsiders get nothing; a refused value changes nothing and says why in Thai."""

from datetime import timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from pracharat import testing
from pracharat.market import actions
from pracharat.market.models import MemberRole, PayBy, ProducerGroup

pytestmark = pytest.mark.django_db


def _url(group) -> str:
    return reverse("market:seller_group_settings", args=[group.code])


def _settings(group, **changes) -> dict:
    data = {
        "payment_hours": group.payment_hours,
        "cod_fee": str(group.cod_fee),
        "line_id": group.line_id,
        "promptpay_id": group.promptpay_id,
    }
    if group.cod_all_products:
        data["cod_all_products"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def member(chili_group, fast_hashing):
    """A plain member (not owner or manager) of the chili-paste group."""
    user = testing.person("somchai@example.org", name="สมชาย ขายดี")
    actions.add_member(chili_group, user, MemberRole.MEMBER)
    return user


def test_the_dashboard_links_each_group_s_settings(client, producer, chili_group, fast_hashing):
    client.force_login(producer)
    body = client.get(reverse("market:seller")).content.decode()
    assert _url(chili_group) in body


def test_a_member_saves_hours_and_cod_and_a_new_order_follows(
    client, member, chili_group, chili_products, buyer_details
):
    client.force_login(member)
    page = client.get(_url(chili_group))
    assert page.status_code == 200
    response = client.post(
        _url(chili_group),
        _settings(
            chili_group,
            payment_hours=48,
            cod_all_products="on",
            cod_fee="45.50",
            line_id="@khlongmem",
        ),
    )
    assert response.status_code == 302
    chili_group.refresh_from_db()
    assert chili_group.payment_hours == 48
    assert chili_group.cod_all_products
    assert chili_group.cod_fee == Decimal("45.50")
    assert chili_group.line_id == "@khlongmem"

    before = timezone.now()
    (order,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    assert before + timedelta(hours=48) <= order.payment_deadline
    assert order.payment_deadline <= timezone.now() + timedelta(hours=48)
    # Every product now offers cash on delivery, with the new fee.
    (cod,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details, pay_by=PayBy.COD)
    assert cod.is_cod
    assert cod.cod_fee == Decimal("45.50")


def test_the_change_is_audited_with_its_actor(client, member, chili_group):
    client.force_login(member)
    client.post(_url(chili_group), _settings(chili_group, payment_hours=72))
    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(ProducerGroup),
            object_pk=str(chili_group.pk),
        )
        .order_by("-timestamp", "-pk")
        .first()
    )
    assert entry.actor == member
    assert entry.changes_dict["payment_hours"] == ["24", "72"]


def test_an_outsider_gets_nothing_and_changes_nothing(
    client, chili_group, weaving_group, buyer, fast_hashing
):
    weaver = testing.person("weaver@example.org")
    actions.add_member(weaving_group, weaver, MemberRole.OWNER)
    client.force_login(weaver)  # sells, but for another group
    assert client.get(_url(chili_group)).status_code == 404
    assert (
        client.post(_url(chili_group), _settings(chili_group, payment_hours=100)).status_code == 404
    )
    client.force_login(buyer)  # sells for no group
    assert client.get(_url(chili_group)).status_code == 403
    assert (
        client.post(_url(chili_group), _settings(chili_group, payment_hours=100)).status_code == 403
    )
    client.logout()
    assert (
        client.post(_url(chili_group), _settings(chili_group, payment_hours=100)).status_code == 302
    )
    chili_group.refresh_from_db()
    assert chili_group.payment_hours == 24


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"payment_hours": 0}, "ระยะเวลาชำระเงินต้องอยู่ระหว่าง 1 ถึง 336 ชั่วโมง (14 วัน)"),
        ({"payment_hours": 337}, "ระยะเวลาชำระเงินต้องอยู่ระหว่าง 1 ถึง 336 ชั่วโมง (14 วัน)"),
        ({"payment_hours": "สองวัน"}, "ระยะเวลาชำระเงินต้องเป็นจำนวนเต็มตั้งแต่ 1 ถึง 336"),
        ({"cod_fee": "-1"}, "ค่าธรรมเนียมเก็บเงินปลายทางต้องอยู่ระหว่าง 0 ถึง 1,000 บาท"),
        ({"cod_fee": "5000"}, "ค่าธรรมเนียมเก็บเงินปลายทางต้องอยู่ระหว่าง 0 ถึง 1,000 บาท"),
        ({"line_id": "ไลน์ของกลุ่ม"}, "LINE ID มีตัวอักษรอังกฤษ ตัวเลข"),
        ({"promptpay_id": "12345"}, None),
    ],
)
def test_a_bad_value_changes_nothing_and_says_why_in_thai(
    client, producer, chili_group, fast_hashing, changes, message
):
    client.force_login(producer)
    saved = ProducerGroup.objects.values().get(pk=chili_group.pk)
    with translation.override("th"):
        response = client.post(
            _url(chili_group),
            _settings(chili_group, **({"cod_all_products": "on", "cod_fee": "10"} | changes)),
            HTTP_ACCEPT_LANGUAGE="th",
        )
    assert response.status_code == 400
    body = response.content.decode()
    assert "ไม่ได้บันทึก" in body
    if message:
        assert message in body
    assert ProducerGroup.objects.values().get(pk=chili_group.pk) == saved


def test_only_owners_and_managers_change_the_promptpay_id(client, member, producer, chili_group):
    client.force_login(member)
    page = client.get(_url(chili_group)).content.decode()
    assert "disabled" in page
    response = client.post(
        _url(chili_group), _settings(chili_group, payment_hours=30, promptpay_id="0891112222")
    )
    assert response.status_code == 302  # the other settings are saved...
    chili_group.refresh_from_db()
    assert chili_group.payment_hours == 30
    assert chili_group.promptpay_id == "0812345678"  # ...the PromptPay ID is not
    with pytest.raises(actions.NotAllowed):
        chili_group.promptpay_id = "0891112222"
        actions.save_group_settings(chili_group, actor=member)

    client.force_login(producer)  # the owner may
    client.post(_url(chili_group), _settings(chili_group, promptpay_id="089-111-2222"))
    chili_group.refresh_from_db()
    assert chili_group.promptpay_id == "0891112222"


def test_the_form_needs_its_csrf_token(producer, chili_group, fast_hashing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(producer)
    response = client.post(_url(chili_group), _settings(chili_group, payment_hours=99))
    assert response.status_code == 403
    chili_group.refresh_from_db()
    assert chili_group.payment_hours == 24
