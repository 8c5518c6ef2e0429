"""Notifications: one message, rendered in each recipient's language, sent by e-mail and LINE.

A pillar calls :func:`notify` inside its transaction with the recipients, a template name and
a context. For every recipient and every channel they have an address on, a ``Delivery`` row
is written (so a rolled-back change notifies nobody) and, once the transaction commits, the
``send_notification`` task is enqueued for it (Django's Tasks API, ``django_tasks``).

Recipients are any objects with ``notification_contact() -> Contact`` (the :class:`Recipient`
protocol): ``accounts.User``, ``accounts.Agency``, ``market.ProducerGroup`` and a market order's
buyer implement it, so core knows none of them. The address is read again when the task runs:
the log keeps only a masked copy, and a corrected address is used by a retry.

Templates: ``<template>_subject.txt`` (one line) and ``<template>.txt`` (the text, short enough
for a LINE message), rendered as plain text (no HTML escaping) under
``translation.override(contact.language)``.

Channels:

- e-mail through Django's mail backend (``EMAIL_BACKEND``);
- LINE Messaging API push (``line-bot-sdk``) to ``contact.line_id``, with the channel access
  token ``LINE_CHANNEL_ACCESS_TOKEN`` at ``LINE_API_URL``. Without a token the LINE rows are
  logged as skipped and the e-mails still go.

A failure that may pass (a 5xx or 429 from LINE, a network or SMTP error) is retried with
exponential backoff (``NOTIFICATION_RETRY_SECONDS`` × 4ⁿ) up to ``NOTIFICATION_MAX_ATTEMPTS``;
a 4xx from LINE (a bad ID, a blocked account) is final. Each push carries the row's
``X-Line-Retry-Key``, so a retry after a lost answer is not delivered twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from django_tasks import task

from pracharat.core import jobs
from pracharat.core.models import Delivery, DeliveryStatus, NotificationChannel

log = logging.getLogger(__name__)
_state = threading.local()

#: LINE's limit for one text message, in characters.
LINE_TEXT_LIMIT = 5000


@dataclass(frozen=True)
class Contact:
    """Where and how to reach a recipient. ``personal``: an individual's address (masked in
    the log); an agency's or a group's shared address is shown as it is."""

    email: str = ""
    line_id: str = ""
    language: str = "th"
    personal: bool = True
    label: str = ""


@runtime_checkable
class Recipient(Protocol):
    pk: object

    def notification_contact(self) -> Contact: ...


@contextmanager
def muted():
    """Nothing is queued inside (the demo loader builds orders without notifying anyone)."""
    previous = getattr(_state, "muted", False)
    _state.muted = True
    try:
        yield
    finally:
        _state.muted = previous


def mask(address: str) -> str:
    """``somsri@example.org`` → ``so***@example.org``; a LINE ID keeps its first 5 and last 4."""
    if "@" in address:
        local, _, domain = address.rpartition("@")
        return f"{local[:2]}***@{domain}"
    if len(address) > 12:
        return f"{address[:5]}…{address[-4:]}"
    return "***"


def _label(recipient: Recipient, contact: Contact) -> str:
    if contact.label:
        return contact.label[:200]
    if contact.personal:
        return f"{recipient._meta.verbose_name} #{recipient.pk}"[:200]
    return str(recipient)[:200]


def _render_text(name: str, context: dict) -> str:
    """Plain text: nothing is HTML-escaped (an "&" in a group's name stays an "&")."""
    return get_template(name).template.render(Context(context, autoescape=False))


def _render(template: str, context: dict, language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = _render_text(f"{template}_subject.txt", context)
        body = _render_text(f"{template}.txt", context)
    subject = " ".join(subject.split())[:200]
    return subject, body.strip()


def notify(
    recipients: Iterable[Recipient], template: str, context: dict | None = None, *, key: str = ""
) -> list[Delivery]:
    """Queue ``template`` for each recipient on each channel they have an address on, to be
    sent after the current transaction commits. Returns the rows written.

    ``key`` makes the message once-only: when any delivery with that key exists, nothing is
    queued (escalations use it: one per incident and stage). The same address on one channel
    gets the message once even when two recipients share it (a group and its member)."""
    if not settings.NOTIFICATIONS_ENABLED or getattr(_state, "muted", False):
        return []
    if key and Delivery.objects.filter(key=key).exists():
        return []
    line_ready = bool(settings.LINE_CHANNEL_ACCESS_TOKEN)
    seen: set[tuple[str, str]] = set()
    rows: list[Delivery] = []
    for recipient in recipients:
        contact = recipient.notification_contact()
        addresses = [
            (channel, address)
            for channel, address in (
                (NotificationChannel.EMAIL, contact.email),
                (NotificationChannel.LINE, contact.line_id),
            )
            if address and (channel, address.lower()) not in seen
        ]
        if not addresses:
            continue
        seen.update((channel, address.lower()) for channel, address in addresses)
        subject, body = _render(
            template, {**(context or {}), "recipient": recipient}, contact.language
        )
        kind = ContentType.objects.get_for_model(recipient)
        for channel, address in addresses:
            row = Delivery(
                recipient_type=kind,
                recipient_id=str(recipient.pk),
                recipient_label=_label(recipient, contact),
                channel=channel,
                address=mask(address) if contact.personal else address[:254],
                language=contact.language,
                template=template[:100],
                subject=subject,
                body=body,
                key=key,
            )
            if channel == NotificationChannel.LINE and not line_ready:
                row.status, row.body = DeliveryStatus.SKIPPED, ""
                row.last_error = "LINE_CHANNEL_ACCESS_TOKEN is not set"
            rows.append(row)
    Delivery.objects.bulk_create(rows)
    queued = [row.pk for row in rows if row.status == DeliveryStatus.QUEUED]
    if queued:
        # robust: the change is committed; a queue outage leaves the rows for requeue_stale
        transaction.on_commit(lambda: _enqueue(queued), robust=True)
    return rows


def _enqueue(pks: list[int]) -> None:
    for pk in pks:
        send_notification.enqueue(pk)


#: A queued row whose attempt is this late has lost its task (a queue outage, a lost job).
STALE_AFTER = timedelta(minutes=15)


def requeue_stale(now=None) -> int:
    """Enqueue again the queued deliveries whose task was lost: never attempted 15 minutes
    after they were written, or 15 minutes past their planned retry. For the periodic
    schedule; harmless to run often (the task sends a row once)."""
    cut = (now or timezone.now()) - STALE_AFTER
    stale = list(
        Delivery.objects.filter(status=DeliveryStatus.QUEUED)
        .filter(
            Q(next_attempt_at__isnull=True, last_attempt_at__isnull=True, created__lt=cut)
            | Q(next_attempt_at__lt=cut)
        )
        .values_list("pk", flat=True)
    )
    _enqueue(stale)
    return len(stale)


# --- Sending --------------------------------------------------------------------------------


class Retry(Exception):
    """A failure that may pass: try again later."""


class GiveUp(Exception):
    """A failure that will not pass by trying again."""


def _send_email(delivery: Delivery, address: str) -> None:
    try:
        EmailMessage(delivery.subject, delivery.body, settings.DEFAULT_FROM_EMAIL, [address]).send()
    except Exception as exc:  # smtplib's errors are OSErrors; other backends raise their own
        raise Retry(f"{type(exc).__name__}: {exc}") from exc


def line_text(subject: str, body: str) -> str:
    text = f"{subject}\n\n{body}" if body else subject
    return text if len(text) <= LINE_TEXT_LIMIT else text[: LINE_TEXT_LIMIT - 1] + "…"


def _send_line(delivery: Delivery, to: str) -> None:
    from linebot.v3.messaging import (
        ApiClient,
        ApiException,
        Configuration,
        MessagingApi,
        PushMessageRequest,
        TextMessage,
    )

    token = settings.LINE_CHANNEL_ACCESS_TOKEN
    if not token:
        raise GiveUp("LINE_CHANNEL_ACCESS_TOKEN is not set")
    configuration = Configuration(host=settings.LINE_API_URL.rstrip("/"), access_token=token)
    configuration.retries = 0  # ours retry, with backoff and a cap
    request = PushMessageRequest(
        to=to, messages=[TextMessage(text=line_text(delivery.subject, delivery.body))]
    )
    try:
        with ApiClient(configuration) as client:
            MessagingApi(client).push_message(
                request,
                x_line_retry_key=str(delivery.retry_key),
                _request_timeout=settings.LINE_TIMEOUT_SECONDS,
            )
    except ApiException as exc:
        detail = f"LINE {exc.status}: {(exc.body or b'')[:300]!r}"
        if exc.status == 409:  # this retry key was accepted before: it has been delivered
            return
        if exc.status == 429 or (exc.status or 500) >= 500:
            raise Retry(detail) from exc
        raise GiveUp(detail) from exc
    except Exception as exc:  # urllib3 connection errors, timeouts
        raise Retry(f"{type(exc).__name__}: {exc}") from exc


SENDERS = {NotificationChannel.EMAIL: _send_email, NotificationChannel.LINE: _send_line}


def retry_delay(attempts: int) -> timedelta:
    """After the ``attempts``-th failure: base, 4 × base, 16 × base … (``core.jobs``' backoff;
    the attempts are counted on the delivery row, which also says when the next one is due)."""
    base = settings.NOTIFICATION_RETRY_SECONDS
    return timedelta(seconds=jobs.backoff_delay(attempts, base, factor=4))


def _address(delivery: Delivery) -> str:
    recipient = delivery.recipient
    if recipient is None:
        raise GiveUp("the recipient no longer exists")
    contact = recipient.notification_contact()
    address = contact.email if delivery.channel == NotificationChannel.EMAIL else contact.line_id
    if not address:
        raise GiveUp("the recipient has no address on this channel any more")
    return address


@task()
def send_notification(delivery_id: int) -> str:
    """Send one queued delivery; on a failure that may pass, enqueue the next attempt with
    ``run_after`` (at once on a backend that cannot defer). Returns the row's new status."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status=DeliveryStatus.QUEUED)
            .first()
        )
        if delivery is None:  # sent already, given up, or another worker holds it
            return "-"
        now = timezone.now()
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = None
        try:
            SENDERS[delivery.channel](delivery, _address(delivery))
        except Retry as exc:
            delivery.last_error = str(exc)[:2000]
            if delivery.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                delivery.status, delivery.body = DeliveryStatus.FAILED, ""
            else:
                delivery.next_attempt_at = now + retry_delay(delivery.attempts)
                transaction.on_commit(lambda: _enqueue_retry(delivery))
            log.warning("could not send notification %s: %s", delivery.pk, exc)
        except GiveUp as exc:
            delivery.status, delivery.body, delivery.last_error = (
                DeliveryStatus.FAILED,
                "",
                str(exc)[:2000],
            )
            log.warning("could not send notification %s, giving up: %s", delivery.pk, exc)
        else:
            delivery.status, delivery.body, delivery.last_error = DeliveryStatus.SENT, "", ""
            delivery.sent_at = now
        delivery.save()
    return delivery.status


# --- Retention (core.personal_data) --------------------------------------------------------


def purge_log(now) -> dict[str, int]:
    """Log rows older than ``PRIVACY_NOTIFICATION_LOG_DAYS`` go (a registered purger)."""
    cut = now - timedelta(days=settings.PRIVACY_NOTIFICATION_LOG_DAYS)
    deleted = Delivery.objects.filter(created__lt=cut).delete()[0]
    return {"notification log rows deleted": deleted}


def erase_recipient(*, phone: str = "", email: str = "") -> dict[str, int]:
    """An erased person's log rows go with their account's identity (a registered eraser).
    Rows about an order's buyer hold only the order number and a masked address; they go
    with the retention above."""
    user_model = get_user_model()
    match = Q(pk__in=[])
    if email:
        match |= Q(**{f"{user_model.get_email_field_name()}__iexact": email})
    if phone and any(field.name == "phone" for field in user_model._meta.fields):
        match |= Q(phone=phone)
    ids = [str(pk) for pk in user_model.objects.filter(match).values_list("pk", flat=True)]
    deleted = Delivery.objects.filter(
        recipient_type=ContentType.objects.get_for_model(user_model), recipient_id__in=ids
    ).delete()[0]
    return {"notification log rows": deleted}


def _enqueue_retry(delivery: Delivery) -> None:
    jobs.enqueue_retry(send_notification, delivery.next_attempt_at, delivery.pk)
