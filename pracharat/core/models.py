"""Shared model pieces: the area-code column, its prefix lookup, and area-scoped querysets."""

from __future__ import annotations

import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Lookup, Q
from django.utils.translation import gettext_lazy as _

from pracharat.core.lib import area

area_code_validator = RegexValidator(
    r"^(?:\d{2}|\d{4}|\d{6}|\d{8})?$", _("An area code has 2, 4, 6 or 8 digits.")
)


class AreaCodeField(models.CharField):
    """DOPA area code of the smallest area a record is in (see ``core.lib.area``)."""

    default_validators = [area_code_validator]

    def __init__(self, verbose_name=None, **kwargs):
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault("db_index", True)
        super().__init__(verbose_name or _("area code"), **kwargs)

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            # Byte order, so the B-tree index serves prefix ranges whatever the DB collation.
            params["collation"] = "C"
        return params

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 8:
            kwargs.pop("max_length")
        # Field leaves db_index out when False (its default), which here means True: say it.
        if self.db_index:
            kwargs.pop("db_index", None)
        else:
            kwargs["db_index"] = False
        return name, path, args, kwargs


@AreaCodeField.register_lookup
class InArea(Lookup):
    """``area_code__in_area="65"``: the code starts with the prefix.

    Written as a range (``>= '65' AND < '65:'``) rather than ``LIKE '65%'`` so that SQLite
    uses the column's index (its LIKE optimisation is off with Django's ESCAPE clause).
    On PostgreSQL the column is created with the "C" collation (see ``db_parameters``), so
    the same range is byte-ordered and index-served there too.
    """

    lookup_name = "in_area"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prefix = area.clean(self.rhs)
        if not prefix:
            return "1=1", []
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, prefix, area.upper_bound(prefix)]


def area_q(codes, field: str = "area_code") -> Q:
    """A Q matching records inside any of ``codes`` (an empty code means the whole country)."""
    query = Q(pk__in=[])
    for code in codes:
        if code == "":
            return Q()
        query |= Q(**{f"{field}__in_area": code})
    return query


class AreaQuerySet(models.QuerySet):
    """Base for every located model. Subclasses may set ``area_field`` when the code lives
    on a related row (``"village__area_code"``)."""

    area_field = "area_code"

    def in_area(self, code: str):
        return self.filter(**{f"{self.area_field}__in_area": code})

    def visible_to(self, user):
        """Rows the user may see: the union of the areas the user model says they see
        (``user.area_codes()`` on ``settings.AUTH_USER_MODEL``: None for everything);
        anonymous visitors see none."""
        if user is None or not user.is_authenticated:
            return self.none()
        codes = user.area_codes()
        if codes is None:
            return self
        return self.filter(area_q(codes, self.area_field))


class TimeStamped(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class RateCounter(models.Model):
    """One fixed-window counter of a rate limit, shared by every worker (see core.limits).

    The key is a keyed hash of the limit's scope, subject (an account, a client address) and
    window, so the table holds no address or login in clear."""

    key = models.CharField(_("key"), max_length=64, primary_key=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    expires = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.count}"


# --- Notifications (see core.notifications) ------------------------------------------------------

line_push_id_validator = RegexValidator(
    r"^[UCR][0-9a-f]{32}$",
    _(
        "A LINE user, group or room ID is U, C or R followed by 32 characters 0-9 and a-f "
        "(from the LINE webhook or the LINE Official Account), not the @ ID people add."
    ),
)


class LinePushIdField(models.CharField):
    """Where the LINE Official Account pushes notifications: a user (U…), group (C…) or room
    (R…) ID of the Messaging API. Not the public "LINE ID" people type to add a friend."""

    default_validators = [line_push_id_validator]

    def __init__(self, verbose_name=None, **kwargs):
        kwargs.setdefault("max_length", 33)
        kwargs.setdefault("blank", True)
        kwargs.setdefault(
            "help_text",
            _(
                "Messaging API ID that receives notifications: U, C or R and 32 characters "
                "0-9 a-f. Empty: no LINE messages."
            ),
        )
        super().__init__(verbose_name or _("LINE ID for notifications"), **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_length", 33), ("blank", True)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        kwargs.pop("help_text", None)
        return name, path, args, kwargs


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    LINE = "line", _("LINE")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class Delivery(TimeStamped):
    """One message to one recipient on one channel, and what became of it.

    The recipient is any model that offers ``notification_contact()`` (a user, an agency, a
    producer group, an order's buyer); the address is read from it when the message is sent,
    so this row keeps only a masked copy. The body is kept until the message is delivered or
    given up, then cleared (it may quote an order's delivery address)."""

    recipient_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient type")
    )
    recipient_id = models.CharField(_("recipient ID"), max_length=40)
    recipient = GenericForeignKey("recipient_type", "recipient_id")
    recipient_label = models.CharField(_("recipient"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    address = models.CharField(_("address"), max_length=254, help_text=_("Masked when personal."))
    language = models.CharField(_("language"), max_length=10)
    template = models.CharField(_("message"), max_length=100)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    key = models.CharField(
        _("once-only key"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("A message with a key is sent once: an escalation per incident and stage."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    #: Sent as LINE's X-Line-Retry-Key: a retry of a push LINE already accepted is not sent twice.
    retry_key = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["recipient_type", "recipient_id"], name="core_delivery_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient_label}: {self.subject}"


class PeriodicJob(models.Model):
    """When a periodic job of ``settings.PERIODIC_JOBS`` is next due (see ``core.jobs``).

    A worker claims an interval's run by moving ``due_at`` on to the next interval in one
    conditional UPDATE, so however many workers race, one of them wins each interval."""

    name = models.CharField(_("job"), max_length=100, primary_key=True)
    due_at = models.DateTimeField(_("next due"))
    claimed_at = models.DateTimeField(_("last claimed"), null=True, blank=True)
    finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("runs finished"), default=0)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return self.name


class ProcessBeat(models.Model):
    """A long-running process's last sign of life and its counters (``core.heartbeat``).

    Each RADIUS listener and task worker writes its row every ``HEARTBEAT_SECONDS``; the
    readiness endpoint asks whether enough of them are fresh and ``/metrics`` exports the
    listeners' counters from here, so neither needs to reach into another process or host."""

    process = models.CharField(_("process"), max_length=200, primary_key=True)  # kind@host:pid
    kind = models.CharField(_("kind"), max_length=30, db_index=True)
    host = models.CharField(_("host"), max_length=100)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started"))
    beat_at = models.DateTimeField(_("last beat"))
    stats = models.JSONField(_("counters"), default=dict, blank=True)

    class Meta:
        verbose_name = _("process heartbeat")
        verbose_name_plural = _("process heartbeats")

    def __str__(self) -> str:
        return self.process
