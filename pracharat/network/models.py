"""The network pillar's records: village hotspots, their RADIUS devices, accounting sessions,
usage rollups, and the incidents that track outages.

Scale drives the shape: about 44,000 service points × 365 days. Dashboards never aggregate
sessions; they read ``DailyUsage`` (one row per point per day), ``MonthlyUsage`` (per point per
month, for national best/worst lists) and ``AreaDailyUsage`` (per province and per district per
day, for national and provincial curves). ``rollups.py`` keeps all three in step with sessions,
recomputing only the (point, day) pairs that ``RollupMark`` rows say have changed.

``area_code`` is copied from the village onto every located row so that ``.in_area(code)`` is a
single index range scan and never a join through geography.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from pracharat.core.models import AreaCodeField, TimeStamped
from pracharat.core.storage import get_private_storage, random_name
from pracharat.network.querysets import (
    AccountingSessionQuerySet,
    AlertSourceQuerySet,
    AreaDailyUsageQuerySet,
    DailyUsageQuerySet,
    FaultReportQuerySet,
    IncidentQuerySet,
    MonthlyUsageQuerySet,
    NasQuerySet,
    PointCostQuerySet,
    ServicePointQuerySet,
)

point_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{2,23}$",
    _("Use 3 to 24 capital letters, digits or hyphens, e.g. NP-65060209."),
)


class Programme(models.TextChoices):
    MDES_24700 = "mdes", _("MDES 24,700 villages")
    NBTC_BORDER = "nbtc_border", _("NBTC border villages")
    NBTC_RURAL = "nbtc_rural", _("NBTC rural villages")


class PointStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DEGRADED = "degraded", _("Degraded")
    DOWN = "down", _("Down")
    DECOMMISSIONED = "decommissioned", _("Decommissioned")


class ServicePoint(TimeStamped):
    """One village's free Wi-Fi point (usually at the village hall or school)."""

    code = models.CharField(
        _("code"), max_length=24, unique=True, validators=[point_code_validator]
    )
    village = models.ForeignKey(
        "geo.Village",
        on_delete=models.PROTECT,
        related_name="service_points",
        verbose_name=_("village"),
    )
    area_code = AreaCodeField(help_text=_("The village's DOPA code, copied from the village."))
    place_name = models.CharField(
        _("place"), max_length=200, help_text=_("Where the point is, e.g. the village hall.")
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(5.0), MaxValueValidator(21.0)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(97.0), MaxValueValidator(106.0)],
    )
    programme = models.CharField(
        _("programme"), max_length=20, choices=Programme.choices, default=Programme.MDES_24700
    )
    provider = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_points",
        verbose_name=_("provider agency"),
        help_text=_("The agency that runs and repairs the point (NT)."),
    )
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    bandwidth_down_mbps = models.PositiveSmallIntegerField(_("download (Mbps)"), default=30)
    bandwidth_up_mbps = models.PositiveSmallIntegerField(_("upload (Mbps)"), default=10)
    monthly_cost = models.DecimalField(
        _("monthly cost (baht)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    ssid = models.CharField(_("Wi-Fi name (SSID)"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PointStatus.choices, default=PointStatus.ACTIVE
    )
    status_changed = models.DateTimeField(_("status changed"), null=True, blank=True)
    last_seen = models.DateTimeField(
        _("last seen"),
        null=True,
        blank=True,
        help_text=_("Last accounting packet or heartbeat from any of its devices."),
    )
    last_traffic = models.DateTimeField(
        _("last traffic"),
        null=True,
        blank=True,
        help_text=_("Last accounting packet about a user session."),
    )
    online_users = models.PositiveIntegerField(
        _("users online"), default=0, help_text=_("Open sessions at the last health check.")
    )
    # The provider's contract for the point (the registry). The monthly cost's history is in
    # ``PointCost``; ``monthly_cost`` above is the rate in effect today, kept by
    # ``contracts.set_monthly_cost``.
    circuit_id = models.CharField(
        _("circuit ID"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("The provider's identifier of the line to the point."),
    )
    contract_start = models.DateField(_("contract start"), null=True, blank=True)
    contract_end = models.DateField(_("contract end"), null=True, blank=True)

    objects = ServicePointQuerySet.as_manager()

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["area_code", "code"]
        indexes = [
            models.Index(fields=["status", "area_code"], name="network_sp_status_area"),
            models.Index(fields=["provider", "status"], name="network_sp_provider_status"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.place_name}"

    def save(self, *args, **kwargs):
        if self.village_id:
            self.area_code = str(self.village_id)
        super().save(*args, **kwargs)

    @property
    def is_in_service(self) -> bool:
        return self.status != PointStatus.DECOMMISSIONED

    @property
    def location(self) -> tuple[float, float] | None:
        """Its own coordinates, else its village's (the map and directions use this)."""
        if self.latitude is not None and self.longitude is not None:
            return self.latitude, self.longitude
        village = self.village
        if village.latitude is not None and village.longitude is not None:
            return village.latitude, village.longitude
        return None


class PointCost(models.Model):
    """What the provider charges for a point per month, from ``effective_from`` until the
    next row's date: the history of ``ServicePoint.monthly_cost``. Read it with
    ``contracts.cost_for(point, month)`` or, for many points, ``contracts.monthly_costs``."""

    service_point = models.ForeignKey(
        ServicePoint,
        on_delete=models.CASCADE,
        related_name="costs",
        verbose_name=_("service point"),
    )
    effective_from = models.DateField(_("effective from"))
    monthly_cost = models.DecimalField(
        _("monthly cost (baht)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = PointCostQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly cost")
        verbose_name_plural = _("monthly cost history")
        ordering = ["service_point", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_point", "effective_from"], name="network_cost_point_from"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_point_id} {self.effective_from} {self.monthly_cost}"


class Nas(TimeStamped):
    """A RADIUS client (the point's access controller) and the secret it signs packets with.

    FreeRADIUS identifies clients by source address; behind shared NAT several devices may send
    from one address and are told apart by NAS-Identifier, hence the pair is unique.
    """

    service_point = models.ForeignKey(
        ServicePoint,
        on_delete=models.CASCADE,
        related_name="devices",
        verbose_name=_("service point"),
    )
    nas_identifier = models.CharField(_("NAS-Identifier"), max_length=64, blank=True)
    nas_ip = models.GenericIPAddressField(_("NAS-IP-Address"), unpack_ipv4=True)
    called_station_id = models.CharField(
        _("Called-Station-Id"), max_length=64, blank=True, help_text=_("Usually the AP's MAC.")
    )
    # Kept in clear because the authenticator check needs it; forms never render it back.
    secret = models.CharField(_("shared secret"), max_length=128)
    is_active = models.BooleanField(_("active"), default=True)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    last_heartbeat = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    last_reboot = models.DateTimeField(_("last Accounting-On/Off"), null=True, blank=True)

    objects = NasQuerySet.as_manager()

    class Meta:
        verbose_name = _("RADIUS device")
        verbose_name_plural = _("RADIUS devices")
        ordering = ["nas_ip", "nas_identifier"]
        constraints = [
            models.UniqueConstraint(
                fields=["nas_ip", "nas_identifier"], name="network_nas_ip_identifier_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.nas_identifier or self.nas_ip

    def __repr__(self) -> str:  # never the secret
        return f"<Nas {self.pk} {self.nas_ip} {self.nas_identifier!r}>"


class SessionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class AccountingSession(models.Model):
    """One user session at a point as RADIUS accounting reports it (RFC 2866).

    ``session_key`` is FreeRADIUS's Acct-Unique-Session-Id, so retransmissions, repeats and a
    later import of the same session from a ``radacct`` table all land on this one row.
    User-Name and Calling-Station-Id are kept only as keyed hashes (PDPA).

    ``bucket`` is the first day of the local month the session started in, set once and never
    changed: on PostgreSQL the table is partitioned by it (one partition a month, made ahead and
    dropped after the retention period by ``network.partitions``), so the unique key is
    (session_key, bucket). :func:`pracharat.network.partitions.bucket_of` computes it.
    """

    session_key = models.CharField(_("unique session id"), max_length=64)
    bucket = models.DateField(_("month started"), editable=False)
    acct_session_id = models.CharField(_("Acct-Session-Id"), max_length=64, blank=True)
    nas = models.ForeignKey(
        Nas,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("device"),
        # The open sessions' (nas, status) index below serves Accounting-On/Off and health;
        # an index of every session's device would be written by every report for the rare
        # deletion of a device (which then scans).
        db_index=False,
        db_constraint=False,  # see service_point
    )
    service_point = models.ForeignKey(
        ServicePoint,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("service point"),
        db_index=False,  # (service_point, ended_at) below serves it
        # No foreign key constraint in the database (as FreeRADIUS's radacct has none): its
        # check would lock the point's and the device's rows (FOR KEY SHARE) for every row
        # every batch writes. The writers store only devices and points they looked up, and
        # deletions go through the ORM, which applies PROTECT and SET_NULL itself.
        db_constraint=False,
    )
    area_code = AreaCodeField(db_index=False)  # read with the point's rows, never alone
    user_hash = models.CharField(_("user (pseudonym)"), max_length=64, blank=True)
    calling_station_hash = models.CharField(_("device (pseudonym)"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("started"))
    updated_at = models.DateTimeField(_("last update"))
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    # stopped_at, or updated_at while open: the end of what we know, for day-overlap queries.
    ended_at = models.DateTimeField(_("last known activity"))
    input_octets = models.BigIntegerField(_("bytes in (upload)"), default=0)
    output_octets = models.BigIntegerField(_("bytes out (download)"), default=0)
    session_time = models.BigIntegerField(_("session time (s)"), default=0)
    terminate_cause = models.CharField(_("terminate cause"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )

    objects = AccountingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("accounting session")
        verbose_name_plural = _("accounting sessions")
        constraints = [
            # What the listener's upsert conflicts on; on PostgreSQL a unique key of a
            # partitioned table must hold its partition key.
            models.UniqueConstraint(fields=["session_key", "bucket"], name="network_session_key"),
        ]
        indexes = [
            # The incremental rollup's read: a point's sessions still going on or after a day
            # (for recent days, a handful per point).
            models.Index(fields=["service_point", "ended_at"], name="network_sess_point_end"),
            # Accounting-On/Off and health: open sessions of a device / a point.
            models.Index(
                fields=["nas", "status"],
                name="network_sess_nas_open",
                condition=Q(status="open"),
            ),
            # The whole-country rollup's read: sessions started on one day.
            models.Index(fields=["started_at"], name="network_sess_started"),
        ]

    def __str__(self) -> str:
        return self.session_key

    def save(self, *args, **kwargs) -> None:
        if self.bucket is None and self.started_at is not None:
            from pracharat.network.partitions import bucket_of

            self.bucket = bucket_of(self.started_at)
        super().save(*args, **kwargs)

    @property
    def bytes_total(self) -> int:
        return self.input_octets + self.output_octets


class RollupMark(models.Model):
    """A (point, day) whose rollup is stale. Written in the same transaction as the session
    change; ``rollups.rollup_pending`` recomputes the marked days and deletes exactly the marks
    it read, so a mark added meanwhile is never lost."""

    service_point = models.ForeignKey(
        ServicePoint,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,  # written with every batch, as the sessions (see there)
    )
    day = models.DateField()

    class Meta:
        verbose_name = _("pending rollup")
        verbose_name_plural = _("pending rollups")
        indexes = [models.Index(fields=["service_point", "day"], name="network_mark_point_day")]

    def __str__(self) -> str:
        return f"{self.service_point_id} {self.day}"


class UsageTotals(models.Model):
    sessions = models.PositiveIntegerField(_("sessions"), default=0)
    session_seconds = models.BigIntegerField(_("session time (s)"), default=0)
    bytes_in = models.BigIntegerField(_("bytes in"), default=0)
    bytes_out = models.BigIntegerField(_("bytes out"), default=0)

    class Meta:
        abstract = True

    @property
    def bytes_total(self) -> int:
        return self.bytes_in + self.bytes_out


class DailyUsage(UsageTotals):
    """One point's usage on one local (Asia/Bangkok) day.

    Attribution across midnight: a session counts in ``sessions`` on the day it started; it is
    a user of every day it was online on; its seconds are split exactly by the time spent in
    each day and its bytes in the same proportion; ``peak_concurrent`` is the most sessions
    open at any instant of the day.
    """

    service_point = models.ForeignKey(
        ServicePoint, on_delete=models.CASCADE, related_name="daily_usage", db_index=False
    )
    area_code = AreaCodeField(db_index=False)
    day = models.DateField(_("day"))
    unique_users = models.PositiveIntegerField(_("users"), default=0)
    peak_concurrent = models.PositiveIntegerField(_("peak concurrent users"), default=0)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    objects = DailyUsageQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily usage")
        verbose_name_plural = _("daily usage")
        ordering = ["service_point", "day"]
        constraints = [
            models.UniqueConstraint(fields=["service_point", "day"], name="network_daily_point_day")
        ]
        indexes = [
            # District/province sums for one day, and area ranges over a period.
            models.Index(fields=["day", "area_code"], name="network_daily_day_area"),
            models.Index(fields=["area_code", "day"], name="network_daily_area_day"),
        ]

    def __str__(self) -> str:
        return f"{self.service_point_id} {self.day}"


class MonthlyUsage(UsageTotals):
    """One point's usage in one calendar month (``month`` is its first day). ``user_days`` is
    the sum of daily users: distinct people cannot be added across days; ``max_daily_users``
    is the most users of one of its days (a lower bound of the month's distinct users)."""

    service_point = models.ForeignKey(
        ServicePoint, on_delete=models.CASCADE, related_name="monthly_usage", db_index=False
    )
    area_code = AreaCodeField(db_index=False)
    month = models.DateField(_("month"))
    user_days = models.PositiveIntegerField(_("user-days"), default=0)
    active_days = models.PositiveSmallIntegerField(_("days with use"), default=0)
    peak_concurrent = models.PositiveIntegerField(_("peak concurrent users"), default=0)
    max_daily_users = models.PositiveIntegerField(_("users on the busiest day"), default=0)

    objects = MonthlyUsageQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly usage")
        verbose_name_plural = _("monthly usage")
        ordering = ["service_point", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_point", "month"], name="network_monthly_point_month"
            )
        ]
        indexes = [
            models.Index(fields=["month", "area_code"], name="network_monthly_month_area"),
        ]

    def __str__(self) -> str:
        return f"{self.service_point_id} {self.month:%Y-%m}"


class AreaDailyUsage(UsageTotals):
    """Usage of all points in one province (2-digit code) or district (4-digit) on one day, so a
    national curve over a year reads 77 × 365 rows instead of 16 million."""

    area_code = AreaCodeField(db_index=False)
    level = models.PositiveSmallIntegerField(
        _("level"), help_text=_("Length of the area code: 2 province, 4 district.")
    )
    day = models.DateField(_("day"))
    points = models.PositiveIntegerField(_("points reporting"), default=0)
    user_days = models.PositiveIntegerField(_("users"), default=0)
    peak_concurrent = models.PositiveIntegerField(_("sum of peak concurrent users"), default=0)

    objects = AreaDailyUsageQuerySet.as_manager()

    class Meta:
        verbose_name = _("area daily usage")
        verbose_name_plural = _("area daily usage")
        ordering = ["area_code", "day"]
        constraints = [
            models.UniqueConstraint(fields=["area_code", "day"], name="network_areadaily_area_day")
        ]
        indexes = [
            models.Index(fields=["level", "day", "area_code"], name="network_areadaily_level_day")
        ]

    def __str__(self) -> str:
        return f"{self.area_code} {self.day}"


class IncidentSource(models.TextChoices):
    OUTAGE = "outage", _("Outage detected")
    REPORT = "report", _("Reported by the public")
    MANUAL = "manual", _("Opened by staff")
    ALERT = "alert", _("Monitoring alert")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


#: The incident's state machine, ``{from: {action: to}}``: ``actions.INCIDENTS`` moves
#: incidents along it (``core.transitions``), writing an ``IncidentEvent`` for each move.
INCIDENT_TRANSITIONS: dict[str, dict[str, str]] = {
    IncidentStatus.OPEN: {
        "acknowledge": IncidentStatus.ACKNOWLEDGED,
        "resolve": IncidentStatus.RESOLVED,
    },
    IncidentStatus.ACKNOWLEDGED: {"resolve": IncidentStatus.RESOLVED},
    IncidentStatus.RESOLVED: {},
}


class Incident(TimeStamped):
    """A point not working, assigned to its provider agency, with an SLA clock from opening."""

    service_point = models.ForeignKey(
        ServicePoint,
        on_delete=models.CASCADE,
        related_name="incidents",
        verbose_name=_("service point"),
    )
    area_code = AreaCodeField()
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="network_incidents",
        verbose_name=_("assigned agency"),
    )
    source = models.CharField(_("source"), max_length=10, choices=IncidentSource.choices)
    status = models.CharField(
        _("status"), max_length=15, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    summary = models.CharField(_("summary"), max_length=200)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    sla_due = models.DateTimeField(_("due (SLA)"))
    resolution = models.TextField(_("resolution"), blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-opened_at"]
        constraints = [
            # At most one unresolved incident per point: reports and outages join it.
            models.UniqueConstraint(
                fields=["service_point"],
                condition=~Q(status="resolved"),
                name="network_incident_one_unresolved_per_point",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status"], name="network_incident_agency_st"),
            models.Index(fields=["status", "sla_due"], name="network_incident_status_due"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.summary}"

    @property
    def public_stage(self) -> str:
        """Where the public's status page says the work is (``PUBLIC_STAGES``)."""
        if self.status == IncidentStatus.RESOLVED:
            return "fixed"
        if self.status == IncidentStatus.ACKNOWLEDGED:
            return "fixing"
        return "assigned" if self.agency_id else "received"

    @property
    def title(self) -> str:
        """The summary in the reader's language. The generated ones (an outage, a reported
        problem) are stored in the language of the moment they were written, so they are
        written again here; one typed by a person is shown as typed. An outage reads the
        service point, which lists load with ``with_point()``."""
        if self.source == IncidentSource.OUTAGE:
            return _("Outage: %(place)s") % {"place": self.service_point.place_name}
        problem = FaultProblem.from_label(self.summary)
        return str(problem.label) if problem else self.summary

    @property
    def is_open(self) -> bool:
        return self.status != IncidentStatus.RESOLVED

    @property
    def is_overdue(self) -> bool:
        end = self.resolved_at or timezone.now()
        return end > self.sla_due

    @property
    def duration(self) -> timedelta:
        return (self.resolved_at or timezone.now()) - self.opened_at

    @property
    def overdue_now(self) -> bool:
        """Unresolved and past its deadline: what every list makes stand out."""
        return self.is_open and timezone.now() > self.sla_due


#: The public status page's steps, in order (``Incident.public_stage``).
PUBLIC_STAGES = [
    ("received", _("Received")),
    ("assigned", _("Assigned to the provider")),
    ("fixing", _("Being fixed")),
    ("fixed", _("Fixed")),
]


class IncidentEventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    REPORTED = "reported", _("Reported by the public")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    NOTE = "note", _("Note")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened")


class IncidentEvent(models.Model):
    """The incident's history, newest last: who did what and when."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="events", verbose_name=_("incident")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    kind = models.CharField(_("what"), max_length=15, choices=IncidentEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    #: Set on a status change (``actions.INCIDENTS``); empty for notes and joined reports.
    from_status = models.CharField(
        _("from"), max_length=15, choices=IncidentStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=15, choices=IncidentStatus.choices, blank=True)

    class Meta:
        verbose_name = _("incident event")
        verbose_name_plural = _("incident events")
        ordering = ["incident", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class IncidentFollower(models.Model):
    """Someone who sees an incident and asked to hear of its status changes (a village's
    volunteer following their point's fault); ``notifications.incident_moved`` tells them."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="followers", verbose_name=_("incident")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    since = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("incident follower")
        verbose_name_plural = _("incident followers")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "user"], name="network_incident_follow_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} · {self.user_id}"


class FaultProblem(models.TextChoices):
    NO_SIGNAL = "no_signal", _("No Wi-Fi signal")
    NO_INTERNET = "no_internet", _("Connects but no internet")
    SLOW = "slow", _("Very slow")
    LOGIN = "login", _("Cannot log in")
    EQUIPMENT = "equipment", _("Equipment damaged or missing")
    OTHER = "other", _("Other")

    @classmethod
    def from_label(cls, text: str) -> FaultProblem | None:
        """The problem whose Thai or English label is ``text`` (an incident's summary)."""
        for language in ("th", "en"):
            with translation.override(language):
                for problem in cls:
                    if str(problem.label) == text:
                        return problem
        return None


#: A report's reference: 8 letters and digits a person can read out over the phone (no 0/O,
#: 1/I/L, 2/Z, 5/S, 8/B), written ABCD-EFGH. 24⁸ ≈ 1.1 × 10¹¹: drawn at random, so one
#: reference says nothing about any other (no counting through the reports).
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY3467"
REFERENCE_LENGTH = 8


def new_reference() -> str:
    raw = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normal_reference(text: str) -> str:
    """What a person typed (lower case, spaces, no hyphen, Thai keyboard digits aside) as a
    stored reference, or "" when it cannot be one."""
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if len(raw) != REFERENCE_LENGTH or any(ch not in REFERENCE_ALPHABET for ch in raw):
        return ""
    return f"{raw[:4]}-{raw[4:]}"


def fault_photo_path(instance: FaultReport, filename: str) -> str:
    """A random name in the private storage: no point, date or original file name."""
    return random_name("network/faults")


class FaultReport(models.Model):
    """A report from anyone at the point's public page. Contact details are optional; the
    client address is kept only as a keyed hash, for rate limiting."""

    service_point = models.ForeignKey(
        ServicePoint,
        on_delete=models.CASCADE,
        related_name="fault_reports",
        verbose_name=_("service point"),
    )
    area_code = AreaCodeField()
    reference = models.CharField(
        _("reference"),
        max_length=9,
        unique=True,
        null=True,
        editable=False,
        help_text=_("Given to the person who reported, to follow the report on the web."),
    )
    created = models.DateTimeField(_("reported"), default=timezone.now, db_index=True)
    problem = models.CharField(
        _("problem"), max_length=15, choices=FaultProblem.choices, default=FaultProblem.OTHER
    )
    description = models.TextField(_("what happened"), max_length=2000, blank=True)
    # A JPEG re-encoded by core.lib.images, in the private storage (no URL): it is served by
    # the report_photo view to those who may see the report or its incident.
    photo = models.FileField(
        _("photo"), upload_to=fault_photo_path, storage=get_private_storage, blank=True
    )
    contact = models.CharField(
        _("contact (optional)"),
        max_length=100,
        blank=True,
        help_text=_("A phone number or LINE ID if you want to be called back."),
    )
    ip_hash = models.CharField(max_length=64, db_index=True, editable=False)
    incident = models.ForeignKey(
        Incident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("incident"),
    )

    objects = FaultReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("fault report")
        verbose_name_plural = _("fault reports")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.service_point_id} {self.get_problem_display()}"

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = new_reference()
        super().save(*args, **kwargs)


class ImportCursor(models.Model):
    """How far ``import_radacct`` got in one source (a DSN or a CSV file), so a rerun imports
    only what is new: the highest radacctid seen and the latest acctupdatetime."""

    source = models.CharField(_("source"), max_length=200, unique=True)
    last_id = models.BigIntegerField(_("last radacctid"), default=0)
    last_update = models.DateTimeField(_("last update time"), null=True, blank=True)
    imported = models.BigIntegerField(_("rows imported"), default=0)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("radacct import cursor")
        verbose_name_plural = _("radacct import cursors")

    def __str__(self) -> str:
        return self.source


class AlertKind(models.TextChoices):
    ALERTMANAGER = "alertmanager", _("Prometheus Alertmanager")
    ZABBIX = "zabbix", _("Zabbix")


class AlertSource(TimeStamped):
    """A provider's monitoring system allowed to open and close incidents of its agency's
    points by webhook (``alerts.py``). Only a keyed hash of its token is kept; the token is
    shown once, when it is made (``pracharat alert_token``)."""

    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.CASCADE,
        related_name="alert_sources",
        verbose_name=_("provider agency"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = AlertSourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert source")
        verbose_name_plural = _("alert sources")
        ordering = ["agency", "name"]

    def __str__(self) -> str:
        return self.name


class IncidentAlert(models.Model):
    """One alert from a monitoring system and the incident it opened or joined. A firing
    alert is unique per source and fingerprint, so a repeated webhook changes nothing."""

    source = models.ForeignKey(
        AlertSource, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("source")
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("incident")
    )
    fingerprint = models.CharField(_("fingerprint"), max_length=200)
    name = models.CharField(_("alert"), max_length=200, blank=True)
    firing = models.BooleanField(_("firing"), default=True)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    labels = models.JSONField(_("labels"), default=dict, blank=True)

    class Meta:
        verbose_name = _("incident alert")
        verbose_name_plural = _("incident alerts")
        ordering = ["incident", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "fingerprint"],
                condition=Q(firing=True),
                name="network_alert_firing_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.fingerprint}"
