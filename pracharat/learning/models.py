"""The learning pillar's records: community digital centres, courses, classes (รุ่น) and their
sessions, learners with the least personal data, attendance, certificates, and the calendar of
community activities at a venue (a centre or a village's service point).

``area_code`` is copied onto every located row (a centre's, a class's and an event's from its
venue's village; a learner's from their village) so ``.in_area(code)`` is one index range scan.
Learners' personal data is read only through the scoped querysets (``querysets.py``; see
docs/privacy.md and docs/learning.md).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pracharat.core.collation import thai
from pracharat.core.i18n import BilingualName, bilingual
from pracharat.core.models import AreaCodeField, TimeStamped
from pracharat.learning.querysets import (
    AttendanceQuerySet,
    CentreQuerySet,
    CertificateQuerySet,
    ClassSessionQuerySet,
    CohortQuerySet,
    CourseQuerySet,
    EnrolmentQuerySet,
    LearnerQuerySet,
    VenueEventQuerySet,
)


def new_session_secret() -> str:
    """The per-session key of the rotating check-in code (see ``learning.lib.checkin``)."""
    return secrets.token_hex(32)


# --- Centres ---------------------------------------------------------------------------------


class CentreKind(models.TextChoices):
    DIGITAL_CENTRE = "digital_centre", _("Community digital centre")
    ICT_LEARNING_CENTRE = "ict_learning_centre", _("ICT community learning centre")
    OTHER_VENUE = "other_venue", _("Other venue")


class CentreStatus(models.TextChoices):
    OPEN = "open", _("Open")
    TEMPORARILY_CLOSED = "temporarily_closed", _("Temporarily closed")
    CLOSED = "closed", _("Closed")


class Centre(BilingualName, TimeStamped):
    """A community digital centre (ศูนย์ดิจิทัลชุมชน) or another place where classes are held."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=30, choices=CentreKind.choices, default=CentreKind.DIGITAL_CENTRE
    )
    host = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="centres",
        verbose_name=_("host organisation"),
        help_text=_("The agency that runs the centre: a university, school, local government …"),
    )
    village = models.ForeignKey(
        "geo.Village",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="centres",
        verbose_name=_("village"),
    )
    area_code = AreaCodeField(blank=True, help_text=_("The village's DOPA code, copied from it."))
    service_point = models.ForeignKey(
        "network.ServicePoint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="centres",
        verbose_name=_("linked service point"),
    )
    computers = models.PositiveSmallIntegerField(_("computers"), default=0)
    equipment = models.TextField(
        _("equipment"), blank=True, help_text=_("Projector, printer, tablets …")
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    opening_hours = models.TextField(
        _("opening hours"), blank=True, help_text=_("e.g. Mon–Fri 08:30–16:30")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CentreStatus.choices, default=CentreStatus.OPEN
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

    objects = CentreQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning centre")
        verbose_name_plural = _("learning centres")
        ordering = ["area_code", thai("name_th")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.village_id:
            self.area_code = str(self.village_id)
            if self.latitude is None and self.longitude is None:
                village = self.village
                self.latitude, self.longitude = village.latitude, village.longitude
        super().save(*args, **kwargs)


# --- Courses and classes -----------------------------------------------------------------------


class CourseTopic(models.TextChoices):
    INTERNET_BASICS = "internet_basics", _("Internet basics")
    ONLINE_SELLING = "online_selling", _("Selling online")
    DIGITAL_SAFETY = "digital_safety", _("Digital safety and scams")
    E_GOVERNMENT = "e_government", _("E-government services")
    SMARTPHONES_FOR_FARMERS = "smartphones_for_farmers", _("Smartphones for farmers")
    OTHER = "other", _("Other")


class CourseLevel(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class Course(TimeStamped):
    """What is taught: a course is given as one or more classes (``Cohort``)."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title_th = models.CharField(_("title (Thai)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=30, choices=CourseTopic.choices)
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)]
    )
    level = models.CharField(
        _("level"), max_length=20, choices=CourseLevel.choices, default=CourseLevel.BEGINNER
    )
    outline = models.TextField(_("outline"), blank=True)
    completion_share = models.PositiveSmallIntegerField(
        _("attendance needed (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of a class's sessions a learner must attend to complete it."),
    )
    issuer = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("certificate issuer"),
    )

    title = bilingual("title")

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = [thai("title_th")]

    def __str__(self) -> str:
        return self.title


class CohortStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for registration")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


COHORT_TRANSITIONS = {
    CohortStatus.PLANNED: {"open": CohortStatus.OPEN, "cancel": CohortStatus.CANCELLED},
    CohortStatus.OPEN: {
        "start": CohortStatus.IN_PROGRESS,
        "cancel": CohortStatus.CANCELLED,
        "close": CohortStatus.PLANNED,
    },
    CohortStatus.IN_PROGRESS: {
        "complete": CohortStatus.COMPLETED,
        "cancel": CohortStatus.CANCELLED,
    },
    CohortStatus.COMPLETED: {},
    CohortStatus.CANCELLED: {},
}


class Cohort(TimeStamped):
    """A class (รุ่น) of a course at one venue: a centre or a village's service point."""

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("course")
    )
    number = models.PositiveSmallIntegerField(_("class number"))
    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cohorts",
        verbose_name=_("centre"),
    )
    service_point = models.ForeignKey(
        "network.ServicePoint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cohorts",
        verbose_name=_("service point"),
    )
    area_code = AreaCodeField(blank=True, help_text=_("The venue's village code."))
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cohorts_taught",
        verbose_name=_("trainer"),
    )
    organiser = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cohorts_organised",
        verbose_name=_("organising agency"),
    )
    capacity = models.PositiveSmallIntegerField(
        _("places"), default=20, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CohortStatus.choices, default=CohortStatus.PLANNED
    )
    description = models.TextField(_("description"), blank=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["course", "number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="learning_cohort_number"),
            models.CheckConstraint(
                condition=(
                    Q(centre__isnull=False, service_point__isnull=True)
                    | Q(centre__isnull=True, service_point__isnull=False)
                ),
                name="learning_cohort_one_venue",
            ),
        ]
        indexes = [models.Index(fields=["status", "area_code"], name="learning_cohort_status")]

    def __str__(self) -> str:
        return f"{self.course} · {_('class')} {self.number}"

    @property
    def venue(self):
        """The centre or the service point where the class meets."""
        return self.centre if self.centre_id else self.service_point

    @property
    def venue_name(self) -> str:
        if self.centre_id:
            return self.centre.name
        if self.service_point_id:
            return self.service_point.place_name
        return ""

    def save(self, *args, **kwargs):
        venue = self.venue
        if venue is not None:
            self.area_code = venue.area_code
        super().save(*args, **kwargs)


class CohortChange(models.Model):
    """A class's status history (``learning.actions.COHORTS``)."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="changes", verbose_name=_("class")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(_("from"), max_length=20, choices=CohortStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=CohortStatus.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("class status change")
        verbose_name_plural = _("class status changes")
        ordering = ["cohort", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class ClassSession(TimeStamped):
    """One meeting of a class. ``secret`` keys its rotating check-in code."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("class")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    secret = models.CharField(max_length=64, default=new_session_secret, editable=False)

    objects = ClassSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["cohort", "starts_at"], name="learning_session_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="learning_session_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def __repr__(self) -> str:  # never the secret
        return f"<ClassSession {self.pk} cohort={self.cohort_id}>"


# --- Learners --------------------------------------------------------------------------------


class Occupation(models.TextChoices):
    FARMER = "farmer", _("Farmer")
    STUDENT = "student", _("Student")
    YOUTH = "youth", _("Youth")
    ELDER = "elder", _("Elder")
    MERCHANT = "merchant", _("Merchant")
    OTHER = "other", _("Other")


class AgeGroup(models.TextChoices):
    UNDER_18 = "under_18", _("Under 18")
    FROM_18_TO_24 = "18_24", _("18–24")
    FROM_25_TO_39 = "25_39", _("25–39")
    FROM_40_TO_59 = "40_59", _("40–59")
    OVER_60 = "60_plus", _("60 and over")


class Learner(TimeStamped):
    """A person who registered for a class, with the least personal data.

    Erasure (``learning.actions.erase_learner``) blanks the name, phone and private link and
    keeps occupation, age group and area, so the counts stay."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(
        _("phone"), max_length=10, blank=True, db_index=True, help_text=_("Optional.")
    )
    occupation = models.CharField(_("occupation"), max_length=20, choices=Occupation.choices)
    age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices)
    village = models.ForeignKey(
        "geo.Village",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="learners",
        verbose_name=_("village"),
    )
    area_code = AreaCodeField(blank=True, help_text=_("The learner's village code."))
    consent_text = models.TextField(_("consent wording"), help_text=_("Exactly as shown."))
    consent_version = models.CharField(_("consent version"), max_length=20)
    consented_at = models.DateTimeField(_("consented"), default=timezone.now)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    #: Keyed hash (core.privacy.keyed_hash) of the learner's private link; the key is shown once.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    objects = LearnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("learner")
        verbose_name_plural = _("learners")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return self.full_name or str(_("(erased)"))

    def save(self, *args, **kwargs):
        if self.village_id:
            self.area_code = str(self.village_id)
        super().save(*args, **kwargs)

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class EnrolmentChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    WALK_IN = "walk_in", _("Walk-in")


class EnrolmentStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(TimeStamped):
    learner = models.ForeignKey(
        Learner, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("learner")
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("class")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=EnrolmentChannel.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.REGISTERED,
    )
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["cohort", "registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "cohort"], name="learning_enrolment_once"),
        ]
        indexes = [models.Index(fields=["cohort", "status"], name="learning_enrolment_status")]

    def __str__(self) -> str:
        return f"{self.learner} · {self.cohort}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


#: Statuses that count as having attended a session (completion, indicators).
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class AttendanceMethod(models.TextChoices):
    QR = "qr", _("QR code")
    SHORT_CODE = "short_code", _("Short code")
    TRAINER = "trainer", _("Marked by the trainer")


class Attendance(models.Model):
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("enrolment")
    )
    session = models.ForeignKey(
        ClassSession, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("session")
    )
    status = models.CharField(_("status"), max_length=10, choices=AttendanceStatus.choices)
    method = models.CharField(_("how"), max_length=12, choices=AttendanceMethod.choices)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "enrolment"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "session"], name="learning_attendance_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.get_status_display()}"


# --- Certificates (issued by learning.certificates, learn-cert's part) -------------------------


class Certificate(TimeStamped):
    """A completed enrolment's certificate, as issued (names copied: they do not change later)."""

    enrolment = models.OneToOneField(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("enrolment"),
    )
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    holder_name = models.CharField(_("holder"), max_length=150)
    course_title_th = models.CharField(_("course (Thai)"), max_length=200)
    course_title_en = models.CharField(_("course (English)"), max_length=200, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    issued_on = models.DateField(_("issued on"))
    issuer = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("issuer"),
    )
    issuer_name = models.CharField(_("issuer name"), max_length=200)
    credential = models.TextField(
        _("signed credential"), blank=True, help_text=_("Open Badges 3.0 VC-JWT.")
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revoking"), blank=True)

    course_title = bilingual("course_title")

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


# --- Community activities at a venue -----------------------------------------------------------


class VenueEventKind(models.TextChoices):
    GROUP_MEETING = "group_meeting", _("Group meeting")
    TRAINING = "training", _("Training")
    AGENCY_EVENT = "agency_event", _("Agency event")
    OTHER = "other", _("Other")


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


BOOKING_TRANSITIONS = {
    BookingStatus.REQUESTED: {
        "confirm": BookingStatus.CONFIRMED,
        "decline": BookingStatus.DECLINED,
    },
    BookingStatus.CONFIRMED: {"cancel": BookingStatus.DECLINED},
    BookingStatus.DECLINED: {},
}


class VenueEvent(TimeStamped):
    """Something that happens at a venue: a group's weekly meeting, an agency's training …

    An agency books the venue by requesting an event; the venue's staff or the province's
    officer confirm or decline it (``learning.actions.BOOKINGS``). Only confirmed events show
    on the public calendar."""

    centre = models.ForeignKey(
        Centre,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("centre"),
    )
    service_point = models.ForeignKey(
        "network.ServicePoint",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="venue_events",
        verbose_name=_("service point"),
    )
    area_code = AreaCodeField(blank=True, help_text=_("The venue's village code."))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=VenueEventKind.choices, default=VenueEventKind.OTHER
    )
    organiser = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="venue_events",
        verbose_name=_("organising agency"),
    )
    organiser_name = models.CharField(
        _("organiser"), max_length=200, blank=True, help_text=_("A group or person, if no agency.")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    weekly = models.BooleanField(_("every week"), default=False)
    repeat_until = models.DateField(_("repeat until"), null=True, blank=True)
    status = models.CharField(
        _("booking"),
        max_length=12,
        choices=BookingStatus.choices,
        default=BookingStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="venue_bookings",
        verbose_name=_("requested by"),
    )
    note = models.TextField(_("note"), blank=True)

    objects = VenueEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue event")
        verbose_name_plural = _("venue events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(centre__isnull=False, service_point__isnull=True)
                    | Q(centre__isnull=True, service_point__isnull=False)
                ),
                name="learning_event_one_venue",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="learning_event_order"
            ),
        ]
        indexes = [models.Index(fields=["area_code", "starts_at"], name="learning_event_area")]

    def __str__(self) -> str:
        return self.title

    @property
    def venue(self):
        return self.centre if self.centre_id else self.service_point

    @property
    def organiser_label(self) -> str:
        return self.organiser.name if self.organiser_id else self.organiser_name

    def save(self, *args, **kwargs):
        venue = self.venue
        if venue is not None:
            self.area_code = venue.area_code
        super().save(*args, **kwargs)


class BookingChange(models.Model):
    """A venue booking's history (``learning.actions.BOOKINGS``)."""

    event = models.ForeignKey(
        VenueEvent, on_delete=models.CASCADE, related_name="changes", verbose_name=_("event")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(_("from"), max_length=12, choices=BookingStatus.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=BookingStatus.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("booking change")
        verbose_name_plural = _("booking changes")
        ordering = ["event", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
