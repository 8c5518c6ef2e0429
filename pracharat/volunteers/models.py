"""The village volunteers (เน็ตอาสาประชารัฐ): who they are, where, and what they did.

A volunteer's rights come from ``accounts``: a ``Membership`` with ``Role.VOLUNTEER`` over each
village's code. :class:`Volunteer` is the registry entry beside it (since when, skills, status,
the public name) and its ``villages`` are kept equal to those memberships while the volunteer
is active (``actions.register_volunteer`` / ``actions.update_volunteer``); an inactive volunteer
keeps the villages on record and loses the memberships, so no right survives deactivation.
See docs/volunteers.md.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pracharat.core.models import AreaCodeField, AreaQuerySet, TimeStamped
from pracharat.core.storage import get_private_storage, random_name
from pracharat.volunteers.querysets import ActivityQuerySet, VolunteerQuerySet


class Skill(models.TextChoices):
    INTERNET_BASICS = "internet_basics", _("Internet basics")
    SMARTPHONE = "smartphone", _("Smartphones and apps")
    ONLINE_SELLING = "online_selling", _("Selling online")
    DIGITAL_SAFETY = "digital_safety", _("Digital safety and scams")
    EGOV = "egov", _("E-government services")
    EQUIPMENT = "equipment", _("Wi-Fi equipment and first fixes")
    TEACHING = "teaching", _("Teaching a class")


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")


class Volunteer(TimeStamped):
    """One volunteer (a person with an account) and the villages they serve."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="volunteer",
        verbose_name=_("account"),
    )
    display_name = models.CharField(
        _("public name"),
        max_length=60,
        blank=True,
        help_text=_("Shown on the public profile; the first name when empty."),
    )
    villages = models.ManyToManyField(
        "geo.Village", through="VolunteerVillage", related_name="volunteers",
        verbose_name=_("villages"),
    )  # fmt: skip
    #: The first village's code: the volunteer's home area (ordering and the admin list).
    area_code = AreaCodeField(editable=False)
    since = models.DateField(_("volunteer since"), default=timezone.localdate)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    other_skills = models.CharField(_("other skills"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VolunteerStatus.choices, default=VolunteerStatus.ACTIVE
    )

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["area_code", "pk"]
        indexes = [models.Index(fields=["status", "area_code"], name="volunteer_status_area")]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def public_name(self) -> str:
        """The name the public sees: the chosen one, else the first word of the full name."""
        return self.display_name or self.user.get_short_name()

    @property
    def is_active(self) -> bool:
        return self.status == VolunteerStatus.ACTIVE

    def skill_labels(self) -> list[str]:
        labels = dict(Skill.choices)
        return [str(labels[s]) for s in self.skills if s in labels]


class VolunteerVillage(models.Model):
    """A village a volunteer serves (with its code, for area reads)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="postings")
    village = models.ForeignKey("geo.Village", on_delete=models.PROTECT, related_name="+")
    area_code = AreaCodeField()

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer's village")
        verbose_name_plural = _("volunteers' villages")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "village"], name="volunteer_village_once")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} · {self.village_id}"


class ActivityKind(models.TextChoices):
    HELPED_AT_POINT = "helped_at_point", _("Helped people at the service point")
    TAUGHT_CLASS = "taught_class", _("Taught a class")
    HELPED_PRODUCER = "helped_producer", _("Helped a producer list products")
    REPORTED_FAULT = "reported_fault", _("Reported a fault")
    COMMUNITY = "community", _("Ran a community activity")


def activity_photo_path(instance, filename: str) -> str:
    """A random name in the private storage: no volunteer, village or date in it."""
    return random_name("volunteers/activities")


class VolunteerActivity(TimeStamped):
    """One thing a volunteer did on one day in one of their villages."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="activities", verbose_name=_("volunteer")
    )
    kind = models.CharField(_("what"), max_length=20, choices=ActivityKind.choices)
    date = models.DateField(_("date"), default=timezone.localdate)
    village = models.ForeignKey(
        "geo.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    area_code = AreaCodeField(editable=False)
    service_point = models.ForeignKey(
        "network.ServicePoint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service point"),
    )
    people_helped = models.PositiveIntegerField(
        _("people helped"), default=0, validators=[MinValueValidator(0)]
    )
    note = models.TextField(_("note"), max_length=1000, blank=True)
    # A JPEG re-encoded by core.lib.images (no metadata) in the private storage: villagers'
    # faces are personal, so only the volunteer and the area's officers open it.
    photo = models.FileField(
        _("photo"), upload_to=activity_photo_path, storage=get_private_storage, blank=True
    )
    cohort = models.ForeignKey(
        "learning.Cohort",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("class"),
        help_text=_("For a class taught: the class (learning)."),
    )
    incident = models.ForeignKey(
        "network.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("incident"),
        help_text=_("For a reported fault: the point's incident."),
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["area_code", "date"], name="volunteer_activity_area_day"),
            models.Index(fields=["volunteer", "-date"], name="volunteer_activity_own"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"
