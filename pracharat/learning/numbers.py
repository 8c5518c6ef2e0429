"""The learning pillar's numbers per area and period (the ``core.numbers`` contract).

Four queries whatever the area (a village as for the country), each an indexed area range:

1. ``centres``: centres in the area not closed;
2. ``classes`` and ``sessions``: sessions that started in the period at a venue in the area,
   and the distinct classes they belong to;
3. ``learners`` (unique people) and their split by occupation and by age group: the distinct
   learners with at least one session attended (present or late) in the period, counted per
   (occupation, age group) cell; a learner has one occupation and one age group, so the
   cells add up to the unique total without counting anyone twice;
4. ``certificates``: issued in the period for classes in the area, not revoked.

Keys, always in this order: ``centres, classes, sessions, learners, learners_<occupation>``
for each :class:`~pracharat.learning.models.Occupation`, ``learners_age_<group>`` for each
:class:`~pracharat.learning.models.AgeGroup`, ``certificates``. An erased learner still
counts (their occupation, age group and area stay; docs/learning.md).
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pracharat.core.numbers import Number, Period
from pracharat.learning.models import (
    ATTENDED,
    AgeGroup,
    Attendance,
    Centre,
    Certificate,
    ClassSession,
    Learner,
    Occupation,
)

LABELS = {
    "centres": _("Learning centres"),
    "classes": _("Classes held"),
    "sessions": _("Sessions held"),
    "learners": _("Learners (unique people)"),
    "certificates": _("Certificates issued"),
}
OCCUPATIONS = [value for value, _label in Occupation.choices]
AGE_GROUPS = [value for value, _label in AgeGroup.choices]


def label(key: str) -> str:
    """A key's label in the reader's language (the split keys name their group)."""
    if key.startswith("learners_age_"):
        group = AgeGroup(key.removeprefix("learners_age_")).label
        return gettext("Learners aged %(group)s") % {"group": group}
    if key.startswith("learners_"):
        group = Occupation(key.removeprefix("learners_")).label
        return gettext("Learners: %(group)s") % {"group": group}
    return str(LABELS[key])


def in_area(manager, code: str):
    """``manager``'s rows in the area; for the country no filter at all (``in_area("")``
    would still join the rows that carry the area code)."""
    return manager.in_area(code) if code else manager.all()


def learner_cells(code: str, period: Period) -> dict[tuple[str, str], int]:
    """Unique learners who attended a session in the period, per (occupation, age group)."""
    lo, hi = period.bounds()
    attended = (
        in_area(Attendance.objects, code)
        .filter(status__in=ATTENDED, session__starts_at__gte=lo, session__starts_at__lt=hi)
        .values("enrolment__learner_id")
    )
    # The learners as a semi-join (each once), then grouped on the learner table: several
    # times faster than COUNT(DISTINCT) over the attendance join (docs/benchmarks.md).
    rows = (
        Learner.objects.filter(pk__in=attended)
        .order_by()
        .values_list("occupation", "age_group")
        .annotate(n=Count("pk"))
    )
    return {(occupation, age): n for occupation, age, n in rows}


def area_numbers(code: str, period: Period) -> list[Number]:
    lo, hi = period.bounds()
    centres = in_area(Centre.objects, code).in_service().count()
    held = (
        in_area(ClassSession.objects, code)
        .filter(starts_at__gte=lo, starts_at__lt=hi)
        .order_by()
        .aggregate(sessions=Count("pk"), classes=Count("cohort_id", distinct=True))
    )
    cells = learner_cells(code, period)
    certificates = (
        in_area(Certificate.objects, code)
        .valid()
        .filter(issued_on__gte=period.start, issued_on__lte=period.end)
        .count()
    )
    values = {
        "centres": centres,
        "classes": held["classes"],
        "sessions": held["sessions"],
        "learners": sum(cells.values()),
    }
    for occupation in OCCUPATIONS:
        values[f"learners_{occupation}"] = sum(n for (o, _a), n in cells.items() if o == occupation)
    for age in AGE_GROUPS:
        values[f"learners_age_{age}"] = sum(n for (_o, a), n in cells.items() if a == age)
    values["certificates"] = certificates
    return [Number(key, label(key), value) for key, value in values.items()]
