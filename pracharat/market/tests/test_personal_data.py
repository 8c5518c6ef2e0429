"""Retention and erasure of personal data (docs/privacy.md): ``purge_personal_data`` and
``erase_person``, their commands and the admin's actions."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from pracharat import testing
from pracharat.accounts.models import Membership, User
from pracharat.core import audit
from pracharat.core.personal_data import erase_person, purge_personal_data
from pracharat.market import actions
from pracharat.market.models import Order, OrderLine, Payment
from pracharat.market.tests.conftest import slip_picture
from pracharat.network import actions as network
from pracharat.network.models import FaultReport, Incident, IncidentStatus

pytestmark = pytest.mark.django_db

NOW = timezone.now()
PHONE = "0891234567"


def days_ago(n: int):
    return NOW - dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _slip():
    return slip_picture()


def _order(chili_products, buyer_details, **kw):
    (order,) = actions.checkout({chili_products["pao"].pk: 2}, buyer_details, **kw)
    return order


def _report(point, contact, *, ip="203.0.113.5", description=""):
    return network.submit_fault_report(
        point,
        network.ReportInput(problem="no_signal", contact=contact, description=description),
        ip_address=ip,
    )


def _resolve(report, when):
    Incident.objects.filter(pk=report.incident_id).update(
        status=IncidentStatus.RESOLVED, resolved_at=when
    )


# --- Retention --------------------------------------------------------------------------------


@pytest.fixture
def aged(chili_products, buyer_details, producer, point):
    """A year-old delivered order with a checked slip, a fresh order, an old and a fresh report,
    old and fresh audit entries, login records and sessions."""
    old = _order(chili_products, buyer_details)
    payment = actions.record_slip(old, _slip())
    actions.confirm_payment(old, actor=producer, payment=payment)
    Payment.objects.filter(pk=payment.pk).update(confirmed_at=days_ago(400))
    Order.objects.filter(pk=old.pk).update(updated=days_ago(400))
    fresh = _order(chili_products, buyer_details)
    old_report = _report(point, "081-111-2222")
    _resolve(old_report, days_ago(40))
    FaultReport.objects.filter(pk=old_report.pk).update(created=days_ago(41))
    LogEntry.objects.filter(pk=LogEntry.objects.order_by("pk").first().pk).update(
        timestamp=days_ago(800)
    )
    attempt = AccessAttempt.objects.create(
        username="someone@example.org",
        ip_address="192.0.2.1",
        user_agent="x",
        http_accept="*/*",
        path_info="/accounts/login/",
        failures_since_start=1,
    )
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=days_ago(100))
    expired = SessionStore()
    expired["cart"] = {"1": 1}
    expired.set_expiry(days_ago(1))
    expired.save()
    live = SessionStore()
    live["cart"] = {"1": 1}
    live.save()
    return {"old": old, "fresh": fresh, "payment": payment, "old_report": old_report}


def test_purge_removes_what_is_past_its_retention_and_keeps_the_rest(
    aged, point, django_capture_on_commit_callbacks
):
    new_report = _report(point, "082-333-4444", ip="203.0.113.6")  # its incident is open
    slip_name = Payment.objects.get(pk=aged["payment"].pk).slip.name
    storage = Payment._meta.get_field("slip").storage
    assert storage.exists(slip_name)
    entries = LogEntry.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        counts = purge_personal_data(now=NOW)

    assert counts["orders anonymised"] == 1
    assert counts["slips deleted"] == 1
    assert counts["fault report contacts removed"] == 1
    assert counts["fault report address hashes removed"] == 1
    assert counts["login records deleted"] == 1
    assert counts["expired sessions deleted"] == 1
    assert counts["audit entries deleted"] == 1
    old = Order.objects.get(pk=aged["old"].pk)
    assert (old.buyer_name, old.buyer_phone, old.buyer_email, old.address_line1) == ("",) * 4
    assert old.personal_data_erased and old.total == aged["old"].total  # amounts stay
    assert OrderLine.objects.filter(order=old).count() == 1
    assert Payment.objects.get(pk=aged["payment"].pk).slip == ""
    assert not storage.exists(slip_name)
    fresh = Order.objects.get(pk=aged["fresh"].pk)
    assert fresh.buyer_phone == PHONE and fresh.buyer_name == "สมศรี ใจงาม"
    old_report = FaultReport.objects.get(pk=aged["old_report"].pk)
    assert old_report.contact == "" and old_report.ip_hash == ""
    new_report.refresh_from_db()
    assert new_report.contact == "082-333-4444" and new_report.ip_hash
    assert LogEntry.objects.count() == entries - 1
    assert Session.objects.count() == 1 and AccessAttempt.objects.count() == 0

    again = purge_personal_data(now=NOW)
    assert set(again.values()) == {0}  # idempotent


def test_dry_run_counts_the_same_and_changes_nothing(aged):
    dry = purge_personal_data(now=NOW, dry_run=True)
    assert dry["orders anonymised"] == 1 and dry["audit entries deleted"] == 1
    assert Order.objects.get(pk=aged["old"].pk).buyer_phone == PHONE
    assert FaultReport.objects.get(pk=aged["old_report"].pk).contact == "081-111-2222"
    assert AccessAttempt.objects.count() == 1 and Session.objects.count() == 2
    assert purge_personal_data(now=NOW) == dry


def test_retention_periods_come_from_the_settings(settings, chili_products, buyer_details):
    order = _order(chili_products, buyer_details)
    Order.objects.filter(pk=order.pk).update(updated=days_ago(40))
    assert purge_personal_data(now=NOW)["orders anonymised"] == 0
    settings.PRIVACY_ORDER_DAYS = 30
    assert purge_personal_data(now=NOW)["orders anonymised"] == 1


def test_the_retention_settings_refuse_a_period_under_a_day(monkeypatch):
    import importlib

    from pracharat import settings as project_settings
    from pracharat.core.lib.env import ConfigError

    monkeypatch.setenv("PRIVACY_SLIP_DAYS", "0")
    with pytest.raises(ConfigError, match="PRIVACY_SLIP_DAYS"):
        importlib.reload(project_settings)
    monkeypatch.delenv("PRIVACY_SLIP_DAYS")
    importlib.reload(project_settings)


def test_purge_command_prints_the_counts(aged):
    out = io.StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    assert "orders anonymised: 1" in out.getvalue() and "nothing changed" in out.getvalue()
    assert Order.objects.get(pk=aged["old"].pk).buyer_phone == PHONE
    call_command("purge_personal_data", stdout=io.StringIO())
    assert Order.objects.get(pk=aged["old"].pk).buyer_phone == ""


def test_purge_scrubs_entries_written_before_masking(chili_products, buyer_details):
    order = _order(chili_products, buyer_details)
    entry = LogEntry.objects.get_for_object(order).get()
    LogEntry.objects.filter(pk=entry.pk).update(
        changes={"buyer_name": ["None", "สมศรี ใจงาม"]}, remote_addr="203.0.113.1"
    )
    assert purge_personal_data(now=NOW)["audit entries scrubbed"] == 1
    entry.refresh_from_db()
    assert entry.changes == {"buyer_name": ["None", audit.REDACTED]} and not entry.remote_addr


# --- Erasure ----------------------------------------------------------------------------------


@pytest.fixture
def somsri(chili_products, buyer_details, point, fast_hashing):
    """สมศรี: an account, an order under it, a guest order with her phone, and two fault
    reports giving her number in other ways; plus someone else's order and report."""
    account = testing.person("somsri@example.org", phone=PHONE, name="สมศรี ใจงาม")
    Membership.objects.create(user=account, role="volunteer", area_code="65060209")
    mine = _order(chili_products, buyer_details, user=account)
    guest = _order(chili_products, buyer_details)
    other = actions.checkout(
        {chili_products["tadaeng"].pk: 1},
        actions.BuyerDetails(
            name="ประยุทธ ดีใจ", phone="0865554444", address_line1="1 ถ.นเรศวร", subdistrict="650101"
        ),
    )[0]
    by_phone = _report(point, "+66 89 123 4567")
    by_thai_digits = _report(point, "", ip="203.0.113.9", description="โทร ๐๘๙-๑๒๓-๔๕๖๗")
    someone = _report(point, "@other.line", ip="203.0.113.10")
    return {
        "account": account,
        "orders": [mine, guest],
        "other": other,
        "reports": [by_phone, by_thai_digits],
        "someone": someone,
    }


def test_erasing_a_person_keeps_counts_and_amounts_and_writes_one_audit_entry(somsri):
    entries = LogEntry.objects.count()
    totals = {o.pk: o.total for o in somsri["orders"]}
    counts = erase_person(phone="089-123-4567")

    assert counts == {
        "orders": 2,
        "slips": 0,
        "group memberships": 0,
        "fault reports": 2,
        "accounts": 1,
        "login records": 0,
        # she volunteers in the point's village, so the first report's incident told her
        "notification log rows": 1,
    }
    for order in Order.objects.filter(pk__in=totals):
        assert order.personal_data_erased and order.buyer_id is None
        assert order.total == totals[order.pk]
    assert Order.objects.count() == 3
    assert Order.objects.get(pk=somsri["other"].pk).buyer_phone == "0865554444"
    for report in FaultReport.objects.filter(pk__in=[r.pk for r in somsri["reports"]]):
        assert report.contact == "" and report.description == "" and report.ip_hash == ""
    assert FaultReport.objects.get(pk=somsri["someone"].pk).contact == "@other.line"
    account = User.objects.get(pk=somsri["account"].pk)
    assert account.email == f"erased-{account.pk}@erased.invalid"
    assert (account.phone, account.full_name, account.is_active) == (None, "", False)
    assert not account.has_usable_password() and not account.memberships.exists()

    assert LogEntry.objects.count() == entries + 1
    entry = LogEntry.objects.latest("timestamp")
    assert entry.object_repr.startswith(audit.ERASURE_REPR)
    assert entry.object_pk == str(account.pk)
    text = f"{entry.changes} {entry.object_repr} {entry.additional_data}"
    for secret in (PHONE, "สมศรี", "somsri@example.org", "99/1"):
        assert secret not in text
    assert erase_person(phone=PHONE)["orders"] == 0  # nothing left: idempotent


def test_an_erased_person_can_no_longer_log_in(client, somsri):
    erase_person(email="SomSri@example.org")
    response = client.post(
        reverse("accounts:login"), {"username": "somsri@example.org", "password": testing.PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    assert not Order.objects.filter(buyer_email="somsri@example.org").exists()


def test_erase_command(somsri):
    out = io.StringIO()
    call_command("erase_person", "--email", "somsri@example.org", stdout=out)
    assert "orders: 2" in out.getvalue()
    with pytest.raises(CommandError, match="not a Thai phone number"):
        call_command("erase_person", "--phone", "12", stdout=io.StringIO())
    with pytest.raises(CommandError, match="not an e-mail address"):
        call_command("erase_person", "--email", "nobody", stdout=io.StringIO())


def test_bad_input_erases_nothing(somsri):
    entries = LogEntry.objects.count()
    for bad in ({"phone": "12"}, {"email": "x"}, {}):
        with pytest.raises(ValueError):
            erase_person(**bad)
    assert LogEntry.objects.count() == entries
    assert Order.objects.filter(buyer_phone=PHONE).count() == 2


@pytest.fixture
def admin_client(client, fast_hashing):
    admin = User.objects.create_superuser(
        email="root@example.org", password="x-very-long-password", full_name="Root"
    )
    client.force_login(admin)
    client.admin = admin
    return client


def test_admin_erases_the_buyers_of_selected_orders(admin_client, somsri):
    response = admin_client.post(
        "/admin/market/order/",
        {"action": "erase_buyers", "_selected_action": [somsri["orders"][1].pk]},
    )
    assert response.status_code == 302
    assert not Order.objects.filter(buyer_phone=PHONE).exists()
    assert Order.objects.get(pk=somsri["other"].pk).buyer_phone == "0865554444"
    entry = LogEntry.objects.latest("timestamp")
    assert entry.object_repr.startswith(audit.ERASURE_REPR) and entry.actor == admin_client.admin


def test_admin_erases_selected_people_but_not_themselves(admin_client, somsri):
    admin = admin_client.admin
    admin_client.post(
        "/admin/accounts/user/",
        {"action": "erase_people", "_selected_action": [somsri["account"].pk, admin.pk]},
    )
    assert not User.objects.get(pk=somsri["account"].pk).is_active
    admin.refresh_from_db()
    assert admin.is_active and admin.email == "root@example.org"


def test_admin_erases_a_reporter_known_by_a_line_id(admin_client, somsri):
    someone = somsri["someone"]
    admin_client.post(
        "/admin/network/faultreport/",
        {"action": "erase_reporters", "_selected_action": [someone.pk]},
    )
    someone.refresh_from_db()
    assert someone.contact == ""
    assert LogEntry.objects.latest("timestamp").changes == {"fault reports": ["1", "[erased]"]}


def test_anonymised_order_pages_say_so(client, somsri, producer):
    erase_person(phone=PHONE)
    client.force_login(producer)
    order = somsri["orders"][0]
    page = client.get(reverse("market:seller_order", args=[order.number])).content.decode()
    assert "ข้อมูลส่วนบุคคลของผู้ซื้อถูกลบแล้ว" in page and PHONE not in page
    assert Decimal(str(order.total)) == Order.objects.get(pk=order.pk).total
