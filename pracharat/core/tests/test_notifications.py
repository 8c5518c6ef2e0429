"""The notification service: e-mail through locmem and LINE pushes to a local server that
answers as the LINE Messaging API does (core/tests/line_api.py), sent by a task after commit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend

from pracharat import testing
from pracharat.core import notifications
from pracharat.core.models import Delivery, DeliveryStatus, NotificationChannel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hashing")]

SOMSRI_LINE = "U" + "4af4980629" * 3 + "ab"
NT_LINE = "C" + "0123456789abcdef" * 2

HELLO = {
    # "Yes" and "Hello" come with Django's own Thai catalogue: ใช่, สวัสดี is not there, so the
    # test uses two strings Django translates.
    "t/hello_subject.txt": '{% load i18n %}{% translate "Yes" %}\n #{{ number }}',
    "t/hello.txt": '{% load i18n %}{% translate "No" %} {{ recipient }} {{ extra }}',
}


@pytest.fixture
def hello(settings):
    """A message template of the test's own (a locmem loader in front of the real ones)."""
    engine = {**settings.TEMPLATES[0], "APP_DIRS": False}
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "loaders": [
            ("django.template.loaders.locmem.Loader", HELLO),
            "django.template.loaders.app_directories.Loader",
        ],
    }
    settings.TEMPLATES = [engine]
    return "t/hello"


def user_label(user) -> str:
    return f"{user._meta.verbose_name} #{user.pk}"  # a person is logged by number, not name


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit():`` runs what the block left for after commit, as a real commit would
    (the test itself runs inside a transaction that is rolled back)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def somsri(geography):
    user = testing.person("somsri@example.org", name="สมศรี")
    user.language, user.line_push_id = "en", SOMSRI_LINE
    user.save()
    return user


@pytest.fixture
def nt(geography):
    agency = testing.agency("nt-phitsanulok", "65")
    agency.email, agency.line_push_id = "nt65@example.org", NT_LINE
    agency.save()
    return agency


def test_email_and_line_arrive_after_commit_each_in_the_recipients_language(
    hello, somsri, nt, line_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rows = notifications.notify([somsri, nt], hello, {"number": 7, "extra": "<&>"})
        assert len(rows) == 4 and mail.outbox == [] and line_api.delivered == []

    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["somsri@example.org"].subject == "Yes #7"
    assert by_address["somsri@example.org"].body == "No สมศรี <&>"  # text: not HTML-escaped
    assert by_address["nt65@example.org"].subject == "ใช่ #7"
    pushes = {push.to: push for push in line_api.delivered}
    assert pushes[SOMSRI_LINE].texts == ["Yes #7\n\nNo สมศรี <&>"]
    assert pushes[NT_LINE].texts[0].startswith("ใช่ #7\n\nไม่")
    assert pushes[NT_LINE].headers["Authorization"] == "Bearer test-channel-token"

    log = {(d.recipient_label, d.channel): d for d in Delivery.objects.all()}
    user_mail = log[(user_label(somsri), NotificationChannel.EMAIL)]
    assert user_mail.address == "so***@example.org"  # personal: masked
    assert log[(user_label(somsri), NotificationChannel.LINE)].address == "U4af4…29ab"
    assert log[("nt-phitsanulok", NotificationChannel.LINE)].address == NT_LINE  # an office
    for delivery in log.values():
        assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
        assert delivery.sent_at and delivery.body == ""  # the text goes once delivered
        assert delivery.recipient in (somsri, nt)


def test_a_rolled_back_change_notifies_nobody(
    hello, somsri, line_api, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notifications.notify([somsri], hello, {"number": 1})
        raise RuntimeError
    assert not Delivery.objects.exists() and mail.outbox == [] and line_api.requests == 0


def test_without_a_token_line_is_skipped_and_logged_and_the_email_goes(
    hello, somsri, settings, commit
):
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""
    with commit():
        notifications.notify([somsri], hello, {"number": 1})
    assert [m.to for m in mail.outbox] == [["somsri@example.org"]]
    line = Delivery.objects.get(channel=NotificationChannel.LINE)
    assert line.status == DeliveryStatus.SKIPPED and "LINE_CHANNEL_ACCESS_TOKEN" in line.last_error


def test_switched_off_nothing_is_queued(hello, somsri, settings, line_api):
    settings.NOTIFICATIONS_ENABLED = False
    assert notifications.notify([somsri], hello, {"number": 1}) == []
    with notifications.muted():
        assert notifications.notify([somsri], hello, {"number": 1}) == []
    assert not Delivery.objects.exists() and mail.outbox == [] and line_api.requests == 0


def test_a_failed_push_is_retried_later_with_backoff_and_logged(
    hello, somsri, line_api, settings, caplog, commit
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.NOTIFICATION_RETRY_SECONDS = 60
    line_api.fail_next(500, {"message": "An error occurred in the backend"})
    with commit():
        rows = notifications.notify([somsri], hello, {"number": 3})
    row = next(r for r in rows if r.channel == NotificationChannel.LINE)
    (queued,) = [r for r in default_task_backend.results if r.args == [row.pk]]
    assert queued.task.run_after is None

    before = timezone.now()
    with commit():
        assert notifications.send_notification.call(row.pk) == DeliveryStatus.QUEUED
    row.refresh_from_db()
    assert row.attempts == 1 and "LINE 500" in row.last_error and row.body
    assert before + timedelta(seconds=59) < row.next_attempt_at < before + timedelta(seconds=61)
    retry = default_task_backend.results[-1]
    assert retry.args == [row.pk] and retry.task.run_after == row.next_attempt_at
    assert "could not send notification" in caplog.text

    line_api.fail_next(503)
    with commit():
        notifications.send_notification.call(row.pk)
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at - row.last_attempt_at == timedelta(minutes=4)

    with commit():
        assert notifications.send_notification.call(row.pk) == DeliveryStatus.SENT
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.attempts == 3 and row.last_error == ""
    assert len(line_api.delivered) == 1 and line_api.requests == 3
    # Run again (a task delivered twice): nothing more is sent.
    with commit():
        assert notifications.send_notification.call(row.pk) == "-"
    assert line_api.requests == 3


def test_on_a_backend_that_cannot_defer_the_retry_runs_at_once(hello, somsri, line_api, commit):
    line_api.fail_next(500)
    with commit():
        notifications.notify([somsri], hello, {"number": 4})
    line = Delivery.objects.get(channel=NotificationChannel.LINE)
    assert line.status == DeliveryStatus.SENT and line.attempts == 2
    assert len(line_api.delivered) == 1


def test_attempts_are_capped(hello, somsri, line_api, settings, commit):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    line_api.fail_next(502, times=10)
    with commit():
        notifications.notify([somsri], hello, {"number": 5})
    line = Delivery.objects.get(channel=NotificationChannel.LINE)
    assert line.status == DeliveryStatus.FAILED and line.attempts == 3 and line.body == ""
    assert line_api.requests == 3 and "LINE 502" in line.last_error


def test_a_permanent_4xx_from_line_is_not_retried(hello, somsri, line_api, settings, commit):
    settings.LINE_CHANNEL_ACCESS_TOKEN = "revoked"
    with commit():
        notifications.notify([somsri], hello, {"number": 6})
    line = Delivery.objects.get(channel=NotificationChannel.LINE)
    assert line.status == DeliveryStatus.FAILED and line.attempts == 1
    assert "LINE 401" in line.last_error and "Authentication failed" in line.last_error
    assert line_api.requests == 1
    assert Delivery.objects.get(channel=NotificationChannel.EMAIL).status == DeliveryStatus.SENT


def test_a_429_is_retried(hello, somsri, line_api, commit):
    line_api.fail_next(429, {"message": "You have reached your monthly limit."})
    with commit():
        notifications.notify([somsri], hello, {"number": 6})
    assert Delivery.objects.get(channel=NotificationChannel.LINE).attempts == 2


def test_the_retry_key_keeps_a_repeated_push_from_arriving_twice(hello, somsri, line_api, commit):
    with commit():
        notifications.notify([somsri], hello, {"number": 8})
    line = Delivery.objects.get(channel=NotificationChannel.LINE)
    # As if the answer had been lost: the row is still queued and the push is sent again.
    Delivery.objects.filter(pk=line.pk).update(status=DeliveryStatus.QUEUED, body="again")
    with commit():
        assert notifications.send_notification.call(line.pk) == DeliveryStatus.SENT
    assert line_api.requests == 2 and len(line_api.delivered) == 1
    assert line_api.delivered[0].retry_key == str(line.retry_key)


def test_a_mail_outage_is_retried_and_logged_not_raised(hello, somsri, settings, caplog, commit):
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    with commit():
        notifications.notify([somsri], hello, {"number": 9})
    email = Delivery.objects.get(channel=NotificationChannel.EMAIL)
    assert email.status == DeliveryStatus.FAILED and email.attempts == 2
    assert "ConnectionRefusedError" in email.last_error
    assert "could not send notification" in caplog.text


def test_the_address_is_read_when_sending(hello, somsri, settings, line_api, commit):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with commit():
        notifications.notify([somsri], hello, {"number": 10})
    email = Delivery.objects.get(channel=NotificationChannel.EMAIL)
    somsri.email = "somsri.new@example.org"
    somsri.save()
    with commit():
        notifications.send_notification.call(email.pk)
    assert [m.to for m in mail.outbox] == [["somsri.new@example.org"]]
    somsri.delete()
    line = Delivery.objects.get(channel=NotificationChannel.LINE)
    with commit():
        notifications.send_notification.call(line.pk)
    line.refresh_from_db()
    assert line.status == DeliveryStatus.FAILED and "no longer exists" in line.last_error


def test_a_key_makes_a_message_once_only_and_shared_addresses_get_it_once(hello, somsri, nt):
    nt.email = somsri.email
    nt.save()
    first = notifications.notify([somsri, nt], hello, {"number": 1}, key="k:1")
    assert [(d.channel, d.recipient_label) for d in first] == [
        ("email", user_label(somsri)),
        ("line", user_label(somsri)),
        ("line", "nt-phitsanulok"),
    ]
    assert notifications.notify([somsri, nt], hello, {"number": 1}, key="k:1") == []


def test_line_push_id_shape(geography):
    user = testing.person("line@example.org")
    for good in (SOMSRI_LINE, NT_LINE, "R" + "f" * 32, ""):
        user.line_push_id = good
        user.full_clean()
    for bad in ("@pracharat", "U" + "F" * 32, "U" + "a" * 31, "X" + "a" * 32, " " + SOMSRI_LINE):
        user.line_push_id = bad
        with pytest.raises(ValidationError) as caught:
            user.full_clean()
        assert "line_push_id" in caught.value.message_dict


def test_mask():
    assert notifications.mask("somsri@example.org") == "so***@example.org"
    assert notifications.mask(SOMSRI_LINE) == "U4af4…29ab"
    assert notifications.mask("short") == "***"


def test_line_text_fits_one_message():
    text = notifications.line_text("s", "x" * 6000)
    assert len(text) == notifications.LINE_TEXT_LIMIT and text.endswith("…")


def test_the_log_is_purged_after_its_retention_and_with_an_erased_person(
    hello, somsri, nt, settings, commit
):
    from pracharat.core.personal_data import erase_person, purge_personal_data

    settings.LINE_CHANNEL_ACCESS_TOKEN = ""
    with commit():
        notifications.notify([somsri, nt], hello, {"number": 1})
    assert Delivery.objects.count() == 4
    erase_person(email="SOMSRI@example.org")
    assert set(Delivery.objects.values_list("recipient_label", flat=True)) == {"nt-phitsanulok"}
    settings.PRIVACY_NOTIFICATION_LOG_DAYS = 30
    assert (
        purge_personal_data(now=timezone.now() + timedelta(days=29))[
            "notification log rows deleted"
        ]
        == 0
    )
    purge_personal_data(now=timezone.now() + timedelta(days=31))
    assert not Delivery.objects.exists()


def test_the_log_is_in_the_admin_in_thai_and_read_only(client, hello, somsri, thai, commit):
    admin = testing.person("root@example.org")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    with commit():
        notifications.notify([somsri], hello, {"number": 12})
    page = client.get("/admin/core/delivery/").content.decode()
    assert "การแจ้งเตือน" in page and "ช่องทาง" in page and "so***@example.org" in page
    assert "somsri@example.org" not in page
    row = Delivery.objects.filter(channel=NotificationChannel.EMAIL).get()
    assert client.get(f"/admin/core/delivery/{row.pk}/change/").status_code == 200
    assert client.get("/admin/core/delivery/add/").status_code == 403


def test_rows_whose_task_was_lost_are_queued_again(hello, somsri, line_api, settings, commit):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with commit():
        notifications.notify([somsri], hello, {"number": 13})
    default_task_backend.results.clear()  # as if the queue had lost them
    assert notifications.requeue_stale() == 0  # too early to tell
    later = timezone.now() + timedelta(minutes=16)
    assert notifications.requeue_stale(now=later) == 2
    for result in default_task_backend.results:
        with commit():
            notifications.send_notification.call(*result.args)
    assert len(mail.outbox) == 1 and len(line_api.delivered) == 1
    assert notifications.requeue_stale(now=later) == 0
