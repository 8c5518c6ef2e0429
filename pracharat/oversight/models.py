"""Oversight's records: the agencies' workspace (meetings, announcements), inspection plans
and visits, the findings heard at each place, the follow-up actions they become, and the
news posts written after a visit.

Every row carries the ``area_code`` it is scoped by (a province for meetings, plans, visits
and actions; the place's own code on a visited place), so ``visible_to`` is one range scan.
Statuses move only through ``core.transitions.Machine`` (``actions.ACTIONS``,
``actions.VISITS``) along the tables beside their choices. See docs/oversight.md.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pracharat.core.models import AreaCodeField, TimeStamped
from pracharat.core.storage import get_private_storage, random_name
from pracharat.oversight import querysets

USER = settings.AUTH_USER_MODEL


def _user_fk(related_name: str, verbose_name, **kwargs):
    return models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
        **kwargs,
    )


# --- The agencies' workspace --------------------------------------------------------------------


class AgencyProfile(TimeStamped):
    """What the workspace's directory says of an agency beyond its record in accounts: what it
    is responsible for and whom to call (the people come from its memberships)."""

    agency = models.OneToOneField(
        "accounts.Agency",
        on_delete=models.CASCADE,
        related_name="oversight_profile",
        verbose_name=_("agency"),
    )
    responsibilities = models.TextField(
        _("responsibilities"), blank=True, help_text=_("What the agency does in the province.")
    )
    contact_person = models.CharField(
        _("contact person"), max_length=200, blank=True, help_text=_("Name and position.")
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("agency profile")
        verbose_name_plural = _("agency profiles")

    def __str__(self) -> str:
        return str(self.agency)


class Meeting(TimeStamped):
    """A meeting of the agencies of a province, in a room or online (the "new normal")."""

    area_code = AreaCodeField(help_text=_("The province."))
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    visit = models.ForeignKey(
        "Visit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("during the visit"),
    )
    created_by = _user_fk("+", _("created by"))

    objects = querysets.MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["area_code", "starts_at"], name="oversight_meeting_area")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="oversight_meeting_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class MeetingAttendee(models.Model):
    """An agency at a meeting and who represented it (names as written in the minutes)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendees", verbose_name=_("meeting")
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="oversight_meetings",
        verbose_name=_("agency"),
    )
    representatives = models.TextField(
        _("representatives"), blank=True, help_text=_("Names and positions, one per line.")
    )
    user = _user_fk("+", _("account"))

    class Meta:
        verbose_name = _("meeting attendee")
        verbose_name_plural = _("meeting attendees")
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agency"], name="oversight_attendee_unique")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.agency}"


class Announcement(TimeStamped):
    """A notice to the agencies of a province."""

    area_code = AreaCodeField(help_text=_("The province."))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    author = _user_fk("+", _("author"))
    pinned = models.BooleanField(_("pinned"), default=False)

    objects = querysets.AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-pinned", "-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title


# --- Inspections --------------------------------------------------------------------------------


class InspectionPlan(TimeStamped):
    """Which province is inspected in a fiscal year, when, and by whom."""

    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year (BE)"),
        validators=[MinValueValidator(2500), MaxValueValidator(2700)],
        help_text=_("The Buddhist Era year it ends in: FY 2563 is 1 Oct 2019 – 30 Sep 2020."),
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    area_code = AreaCodeField(help_text=_("The province."))
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    inspectors = models.ManyToManyField(
        USER, related_name="oversight_plans", blank=True, verbose_name=_("inspectors")
    )
    note = models.TextField(_("note"), blank=True)
    created_by = _user_fk("+", _("created by"))

    objects = querysets.InspectionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-fiscal_year", "planned_start", "area_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "area_code", "round"], name="oversight_plan_unique"
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("planned_start")),
                name="oversight_plan_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} · {self.area_code} · {self.round}"

    @property
    def fiscal(self):
        """The plan's fiscal year as ``core.lib.thaidate.FiscalYear`` (its dates, its label)."""
        from pracharat.core.lib.thaidate import fiscal_year

        return fiscal_year(self.fiscal_year)


class VisitStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


#: A visit's state machine (``actions.VISITS``): a draft is kept while it is written (on the
#: phone, with a connection that comes and goes) and submitted once; it may be reopened.
VISIT_TRANSITIONS: dict[str, dict[str, str]] = {
    VisitStatus.DRAFT: {"submit": VisitStatus.SUBMITTED},
    VisitStatus.SUBMITTED: {"reopen": VisitStatus.DRAFT},
}


class Visit(TimeStamped):
    """An inspection visit to a province: dates, inspectors, agencies met, places visited."""

    plan = models.ForeignKey(
        InspectionPlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("plan"),
    )
    area_code = AreaCodeField(help_text=_("The province."))
    title = models.CharField(_("title"), max_length=200, blank=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    inspectors = models.ManyToManyField(
        USER, related_name="oversight_visits", blank=True, verbose_name=_("inspectors")
    )
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_by = _user_fk("+", _("created by"))

    objects = querysets.VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["area_code", "start_date"], name="oversight_visit_area")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="oversight_visit_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title or f"{self.area_code} {self.start_date:%Y-%m-%d}"

    @property
    def is_draft(self) -> bool:
        return self.status == VisitStatus.DRAFT


class VisitAgency(models.Model):
    """An agency met during a visit, and its representatives."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="agencies_met", verbose_name=_("visit")
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="oversight_visits",
        verbose_name=_("agency"),
    )
    representatives = models.TextField(
        _("representatives"), blank=True, help_text=_("Names and positions, one per line.")
    )

    class Meta:
        verbose_name = _("agency met")
        verbose_name_plural = _("agencies met")
        ordering = ["visit", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "agency"], name="oversight_visit_agency")
        ]

    def __str__(self) -> str:
        return f"{self.visit_id} · {self.agency}"


class PlaceKind(models.TextChoices):
    SERVICE_POINT = "service_point", _("Service point")
    CENTRE = "centre", _("Learning centre")
    AGENCY_OFFICE = "agency_office", _("Agency office")
    PRODUCER_GROUP = "producer_group", _("Producer group")
    OTHER = "other", _("Other place")


class VisitPlace(models.Model):
    """A place visited, linked to its record (a service point, a centre, an agency's office,
    a producer group) or, for anything else, named."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="places", verbose_name=_("visit")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PlaceKind.choices)
    service_point = models.ForeignKey(
        "network.ServicePoint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="oversight_visits",
        verbose_name=_("service point"),
    )
    centre = models.ForeignKey(
        "learning.Centre",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="oversight_visits",
        verbose_name=_("learning centre"),
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="oversight_places",
        verbose_name=_("agency"),
    )
    producer_group = models.ForeignKey(
        "market.ProducerGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="oversight_visits",
        verbose_name=_("producer group"),
    )
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("For a place with no record.")
    )
    area_code = AreaCodeField(
        blank=True, help_text=_("The place's village (or the province when not known).")
    )
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("place visited")
        verbose_name_plural = _("places visited")
        ordering = ["visit", "visited_on", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def record(self):
        """The linked record (service point, centre, agency, group), or None."""
        for name in ("service_point", "centre", "agency", "producer_group"):
            if getattr(self, f"{name}_id", None):
                return getattr(self, name)
        return None

    @property
    def label(self) -> str:
        """The place's name: its record's, else the name typed."""
        if self.service_point_id:
            return self.service_point.place_name
        record = self.record
        return str(record) if record is not None else (self.name or self.get_kind_display())


class Category(models.TextChoices):
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    UTILISATION = "utilisation", _("Utilisation")
    TRAINING = "training", _("Training")
    COMMUNITY_ECONOMY = "community_economy", _("Community economy")
    COOPERATION = "cooperation", _("Cooperation")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Finding(TimeStamped):
    """A problem or obstacle heard at a place during a visit, with a recommendation and the
    place's live figures at the time (``figures``)."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="findings", verbose_name=_("visit")
    )
    place = models.ForeignKey(
        VisitPlace,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("place"),
        help_text=_("Empty for a finding of the visit as a whole (the meeting)."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    problem = models.TextField(_("problem or obstacle (as heard)"))
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    recommendation = models.TextField(_("recommendation"), blank=True)
    #: The place's figures when the finding was recorded: ``{"period": {"start", "end"},
    #: "numbers": {pillar: [{"key", "label", "value", "unit"}]}, "place": {...}}``
    #: (``actions.figures_for``), so a report shows what the inspector saw.
    figures = models.JSONField(_("figures at the time"), default=dict, blank=True)
    created_by = _user_fk("+", _("created by"))

    objects = querysets.FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["visit", "pk"]
        indexes = [models.Index(fields=["category"], name="oversight_finding_category")]

    def __str__(self) -> str:
        return self.problem[:80]


def finding_photo_path(instance, filename: str) -> str:
    return random_name("oversight/findings")


def news_photo_path(instance, filename: str) -> str:
    return random_name("oversight/news")


class FindingPhoto(models.Model):
    """A photo of a finding: stored re-encoded without metadata in the private storage; the
    time and place it was taken are read from its EXIF first and kept here."""

    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="photos", verbose_name=_("finding")
    )
    image = models.FileField(_("photo"), upload_to=finding_photo_path, storage=get_private_storage)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    public = models.BooleanField(
        _("may be published"),
        default=False,
        help_text=_("No faces or personal details: may be used in a news post."),
    )
    created = models.DateTimeField(_("added"), auto_now_add=True)
    created_by = _user_fk("+", _("added by"))

    objects = querysets.FindingPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding photo")
        verbose_name_plural = _("finding photos")
        ordering = ["finding", "taken_at", "pk"]

    def __str__(self) -> str:
        return self.caption or f"{self.finding_id} #{self.pk}"


# --- Follow-up actions --------------------------------------------------------------------------


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done (awaiting verification)")
    NOT_DONE = "not_done", _("Not done")
    VERIFIED = "verified", _("Verified")
    REOPENED = "reopened", _("Reopened")


#: A follow-up action's state machine (``actions.ACTIONS``). The owner agency's officers
#: ``start``, ``finish`` or ``give_up`` (not done, with a reason); only inspectors ``verify``
#: or ``reopen`` (verification failed), and a reopened action is worked on like an open one.
ACTION_TRANSITIONS: dict[str, dict[str, str]] = {
    ActionStatus.OPEN: {
        "start": ActionStatus.IN_PROGRESS,
        "finish": ActionStatus.DONE,
        "give_up": ActionStatus.NOT_DONE,
    },
    ActionStatus.IN_PROGRESS: {"finish": ActionStatus.DONE, "give_up": ActionStatus.NOT_DONE},
    ActionStatus.DONE: {"verify": ActionStatus.VERIFIED, "reopen": ActionStatus.REOPENED},
    ActionStatus.NOT_DONE: {"reopen": ActionStatus.REOPENED},
    ActionStatus.REOPENED: {
        "start": ActionStatus.IN_PROGRESS,
        "finish": ActionStatus.DONE,
        "give_up": ActionStatus.NOT_DONE,
    },
    ActionStatus.VERIFIED: {},
}

#: Statuses in which an action is still to be done by its owner (and may become overdue).
PENDING_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.REOPENED)


class FollowUpAction(TimeStamped):
    """Something an agency must do after a finding or a meeting: owner, due date, status."""

    finding = models.ForeignKey(
        Finding,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("finding"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("meeting"),
    )
    visit = models.ForeignKey(
        Visit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("visit"),
    )
    area_code = AreaCodeField(help_text=_("The province."))
    title = models.CharField(_("what is to be done"), max_length=300)
    detail = models.TextField(_("detail"), blank=True)
    owner = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="oversight_actions",
        verbose_name=_("owner agency"),
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=15, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    not_done_reason = models.TextField(_("why it was not done"), blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    verified_by = _user_fk("+", _("verified by"))
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    created_by = _user_fk("+", _("created by"))

    objects = querysets.FollowUpActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["owner", "status"], name="oversight_action_owner_st"),
            models.Index(fields=["status", "due_date"], name="oversight_action_status_due"),
            models.Index(fields=["area_code", "status"], name="oversight_action_area_st"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES

    @property
    def is_overdue(self) -> bool:
        """Still to be done and past its due date (local day)."""
        return self.is_pending and self.due_date < timezone.localdate()


class ActionEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    STARTED = "start", _("Started")
    DONE = "finish", _("Reported done")
    NOT_DONE = "give_up", _("Reported not done")
    VERIFIED = "verify", _("Verified")
    REOPENED = "reopen", _("Reopened")
    REMINDED = "reminded", _("Reminder sent")
    ESCALATED = "escalated", _("Escalated (overdue)")


class ActionEvent(models.Model):
    """An action's history, newest last: who moved it from what to what, when and why."""

    action = models.ForeignKey(
        FollowUpAction, on_delete=models.CASCADE, related_name="events", verbose_name=_("action")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    kind = models.CharField(_("what"), max_length=15, choices=ActionEventKind.choices)
    actor = _user_fk("+", _("by"))
    note = models.TextField(_("note"), blank=True)
    from_status = models.CharField(
        _("from"), max_length=15, choices=ActionStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=15, choices=ActionStatus.choices, blank=True)

    class Meta:
        verbose_name = _("action event")
        verbose_name_plural = _("action events")
        ordering = ["action", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class ActionUpdate(models.Model):
    """A dated progress note from the owner agency, with evidence files."""

    action = models.ForeignKey(
        FollowUpAction, on_delete=models.CASCADE, related_name="updates", verbose_name=_("action")
    )
    author = _user_fk("+", _("by"))
    date = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("what was done"))
    created = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("action update")
        verbose_name_plural = _("action updates")
        ordering = ["action", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.action_id} {self.date}"


def evidence_path(instance, filename: str) -> str:
    extension = (instance.extension or "bin") if isinstance(instance, ActionEvidence) else "bin"
    return random_name("oversight/evidence", extension)


class ActionEvidence(models.Model):
    """A file that shows the work (a photo, a PDF letter, a spreadsheet), in the private
    storage; served by ``views.evidence_file`` to those who may see the action."""

    update = models.ForeignKey(
        ActionUpdate, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("update")
    )
    file = models.FileField(_("file"), upload_to=evidence_path, storage=get_private_storage)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    extension = models.CharField(_("extension"), max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["update", "pk"]

    def __str__(self) -> str:
        return self.name


# --- News ---------------------------------------------------------------------------------------


class NewsPost(TimeStamped):
    """A public news post, usually about a visit; ``published_at`` empty is a draft."""

    visit = models.ForeignKey(
        Visit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news_posts",
        verbose_name=_("visit"),
    )
    area_code = AreaCodeField(blank=True, help_text=_("The province; empty for national news."))
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("address"), max_length=120, unique=True, allow_unicode=False)
    body = models.TextField(
        _("text"), help_text=_("Plain text; paragraphs separated by a blank line.")
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    author = _user_fk("+", _("author"))

    objects = querysets.NewsPostQuerySet.as_manager()

    class Meta:
        verbose_name = _("news post")
        verbose_name_plural = _("news posts")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["area_code", "published_at"], name="oversight_news_area_pub")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.published_at <= timezone.now()

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]


class NewsPhoto(models.Model):
    """A picture of a news post, in public media (``oversight/news``, registered with
    ``core.registry.public_media``): a fresh JPEG without metadata, usually a copy of a
    finding photo marked public (``source``)."""

    post = models.ForeignKey(
        NewsPost, on_delete=models.CASCADE, related_name="photos", verbose_name=_("news post")
    )
    image = models.ImageField(
        _("photo"), upload_to=news_photo_path, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    source = models.ForeignKey(
        FindingPhoto,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news_copies",
        verbose_name=_("from the finding photo"),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("news photo")
        verbose_name_plural = _("news photos")
        ordering = ["post", "position", "pk"]

    def __str__(self) -> str:
        return self.caption or f"{self.post_id} #{self.pk}"


class VillagePopulation(models.Model):
    """A village's registered population and households in one year, as imported from the
    official statistics (the worth review's reach: ``oversight.worth``)."""

    village = models.ForeignKey(
        "geo.Village", on_delete=models.CASCADE, related_name="+", verbose_name=_("village")
    )
    area_code = AreaCodeField(editable=False)
    year = models.PositiveSmallIntegerField(
        _("year (BE)"), validators=[MinValueValidator(2500), MaxValueValidator(2700)]
    )
    population = models.PositiveIntegerField(_("population"))
    households = models.PositiveIntegerField(_("households"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    imported = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        verbose_name = _("village population")
        verbose_name_plural = _("village populations")
        ordering = ["area_code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="oversight_population_once")
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year}: {self.population}"

    def save(self, *args, **kwargs):
        self.area_code = str(self.village_id)
        super().save(*args, **kwargs)
