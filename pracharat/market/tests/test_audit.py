"""The audit log records who did what -- actor, object, which fields changed -- and never a
buyer's or reporter's personal data or a client address in clear (docs/privacy.md)."""

from __future__ import annotations

import io
import json

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from pracharat.accounts.models import Agency, User
from pracharat.core import audit
from pracharat.core.privacy import client_hash
from pracharat.market.models import Order
from pracharat.network.models import FaultReport

pytestmark = pytest.mark.django_db

BUYER_IP = "203.0.113.77"
REPORTER_IP = "198.51.100.23"
REPORTER_CONTACT = "081-777-6543"
REPORTER_LINE = "@somchai.line"


def _entries_text() -> list[str]:
    """Everything an entry stores, one string per entry."""
    rows = []
    for entry in LogEntry.objects.all():
        rows.append(
            json.dumps(
                [
                    entry.changes,
                    entry.changes_text,
                    entry.object_repr,
                    entry.remote_addr,
                    entry.remote_port,
                    entry.additional_data,
                    entry.serialized_data,
                    entry.actor_email,
                ],
                ensure_ascii=False,
            )
        )
    return rows


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 10, 200)).save(buffer, "PNG")
    return SimpleUploadedFile("somchai-face.png", buffer.getvalue(), content_type="image/png")


def test_checkout_and_report_leave_no_personal_data_in_the_audit_log(
    client, buyer, chili_products, producer, point, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    buyer.phone = "0895550000"
    buyer.save()
    client.force_login(buyer)
    client.post(reverse("market:cart_add", args=[chili_products["pao"].pk]), {"quantity": 2})
    checkout = {
        "buyer_name": "สมศรี ใจงาม",
        "buyer_phone": "089-123-4567",
        "buyer_email": "somsri@example.org",
        "address_line1": "99/1 ถ.บรมไตรโลกนารถ",
        "address_line2": "หมู่ 4 ซอยมะลิ",
        "address_search": "65000",
        "subdistrict": "650101",
        "note": "โทรก่อนส่ง 089-123-4567",
        f"shipping_{chili_products['pao'].group_id}": "ems",
    }
    response = client.post(reverse("market:checkout"), checkout, REMOTE_ADDR=BUYER_IP)
    assert response.status_code == 302, response.content.decode()[:2000]
    order = Order.objects.get()

    client.logout()
    client.force_login(producer)
    client.post(reverse("market:seller_confirm", args=[order.number]), REMOTE_ADDR=BUYER_IP)
    client.logout()

    response = client.post(
        reverse("network:point", args=[point.code]),
        {"problem": "no_signal", "description": "ติดต่อ @somchai.line", "contact": REPORTER_CONTACT,
         "photo": _png()},
        REMOTE_ADDR=REPORTER_IP,
    )  # fmt: skip
    assert response.status_code == 302
    assert FaultReport.objects.get().contact == REPORTER_CONTACT

    secrets = [
        "สมศรี", "ใจงาม", "0891234567", "089-123-4567", "99/1", "บรมไตรโลกนารถ", "มะลิ",
        "somsri@example.org", "buyer@example.org", "0895550000", "malee@example.org",
        "0812345678",  # the group's PromptPay ID
        BUYER_IP, REPORTER_IP, REPORTER_CONTACT, "0817776543", "somchai",
    ]  # fmt: skip
    rows = _entries_text()
    assert rows
    leaks = [(secret, row) for row in rows for secret in secrets if secret in row]
    assert leaks == []

    # ... and still says who did what, to which object, which fields changed, from where.
    created = LogEntry.objects.get_for_object(order).get(action=LogEntry.Action.CREATE)
    assert created.actor == buyer
    assert created.object_repr == order.number
    assert created.changes_dict["buyer_phone"] == ["None", audit.REDACTED]
    assert created.changes_dict["total"][1] == str(order.total)
    assert created.additional_data == {"client": client_hash(BUYER_IP)}
    assert created.remote_addr is None and created.actor_email is None
    paid = LogEntry.objects.get_for_object(order).filter(action=LogEntry.Action.UPDATE).get()
    assert paid.actor == producer and "status" in paid.changes_dict
    report = LogEntry.objects.get_for_object(FaultReport.objects.get()).get()
    assert report.actor is None
    assert report.changes_dict["contact"] == ["None", audit.REDACTED]
    assert report.additional_data == {"client": client_hash(REPORTER_IP)}


def test_a_bearer_token_caller_is_the_actor(client, producer, chili_products, buyer_details):
    from pracharat.accounts.models import ApiToken
    from pracharat.market import actions

    (order,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    _token, key = ApiToken.issue(producer, "shop")
    response = client.post(
        f"/api/v1/market/orders/{order.number}/confirm-payment",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        REMOTE_ADDR=BUYER_IP,
    )
    assert response.status_code == 200, response.content
    entry = LogEntry.objects.get_for_object(order).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == producer and entry.actor_email is None
    assert entry.additional_data == {"client": client_hash(BUYER_IP)}


def test_a_user_entry_names_no_one(client, fast_hashing):
    admin = User.objects.create_superuser(
        email="root@example.org", password="x-very-long-password", full_name="Root Admin"
    )
    client.force_login(admin)
    person = User.objects.create_user(
        email="nid@example.org", phone="0823334444", full_name="นิด ทดสอบ", password="x"
    )
    person.full_name = "นิดา ทดสอบ"
    person.save()
    rows = "".join(_entries_text())
    for secret in ("nid@example.org", "0823334444", "นิด", "root@example.org", "Root Admin"):
        assert secret not in rows
    update = LogEntry.objects.get_for_object(person).get(action=LogEntry.Action.UPDATE)
    assert update.changes_dict == {"full_name": [audit.REDACTED, audit.REDACTED]}
    assert update.object_repr == f"accounts.user #{person.pk}"


#: Fields that look personal but are an office's published contact (see docs/privacy.md).
PUBLISHED = {(Agency, "email"), (Agency, "phone"), (Agency, "address")}
LOOKS_PERSONAL = ("name", "phone", "email", "address", "contact", "line", "note", "promptpay")
#: ... and names that are not a person's: an organisation's or place's name, a token's label,
#: the kind of PromptPay ID, an order's payment dead"line", a search term's names of things.
NOT_PERSONAL = {
    "names",
    "name_th",
    "name_en",
    "place_name",
    "nas_identifier",
    "name",
    "promptpay_type",
    "payment_deadline",
}


def test_every_registered_field_that_looks_personal_is_masked_or_excluded():
    missing = []
    for model in auditlog.get_models():
        fields = auditlog.get_model_fields(model)
        for field in model._meta.concrete_fields:
            name = field.name
            if not any(word in name for word in LOOKS_PERSONAL) or name in NOT_PERSONAL:
                continue
            if name in fields["exclude_fields"] or (model, name) in PUBLISHED:
                continue
            if name not in fields["mask_fields"] or fields["mask_callable"] is None:
                missing.append(f"{model.__name__}.{name}")
    assert missing == []


def test_the_stock_middleware_is_replaced():
    assert "pracharat.core.audit.PrivateAuditlogMiddleware" in settings.MIDDLEWARE
    assert "auditlog.middleware.AuditlogMiddleware" not in settings.MIDDLEWARE
    assert settings.AUDITLOG_DISABLE_REMOTE_ADDR is True


def test_entries_written_before_masking_are_scrubbed(chili_products, buyer_details, buyer):
    from pracharat.market import actions

    (order,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    entry = LogEntry.objects.get_for_object(order).get()
    # As django-auditlog wrote it before: values in clear, the address, the actor's email.
    LogEntry.objects.filter(pk=entry.pk).update(
        changes={"buyer_phone": ["None", "0891234567"], "total": ["None", "65.00"]},
        remote_addr=BUYER_IP,
        actor_email="buyer@example.org",
    )
    assert audit.scrub(audit.legacy_entries()) == 1
    entry.refresh_from_db()
    assert entry.changes == {"buyer_phone": ["None", audit.REDACTED], "total": ["None", "65.00"]}
    assert entry.remote_addr is None and entry.actor_email is None
    assert entry.additional_data == {"client": client_hash(BUYER_IP)}
    assert audit.scrub(audit.legacy_entries()) == 0  # idempotent
