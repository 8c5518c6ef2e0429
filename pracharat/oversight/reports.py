"""The reports: a visit's report (an A4 Thai memo, ``visit_report``) and a province's report
for a fiscal year (``province_report``), read for one user (scoped by the querysets) in a
fixed number of queries whatever their size.

The memo follows the layout of an official Thai memo (บันทึกข้อความ, the Regulation of the
Prime Minister's Office on Correspondence, 2526): ส่วนราชการ (the office), ที่ (reference),
วันที่ (date, BE), เรื่อง (subject), เรียน (addressee), then the body under headings.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pracharat.core import i18n
from pracharat.core.lib import thaidate
from pracharat.core.numbers import Period
from pracharat.geo.models import Province
from pracharat.oversight import querysets
from pracharat.oversight.models import (
    PENDING_STATUSES,
    ActionStatus,
    Category,
    Finding,
    FindingPhoto,
    FollowUpAction,
    Visit,
    VisitStatus,
)

#: At most this many photos go into a visit's PDF (each is embedded whole).
MAX_PDF_PHOTOS = 12
PICTURE_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def picture_data_uri(photo: FindingPhoto) -> str | None:
    """A stored photo as a ``data:`` URI for a PDF (``core.pdf`` loads nothing else), or None
    when the file is missing or not a JPEG/PNG picture (only pictures go in, and they were
    re-encoded without metadata when uploaded: ``core.lib.images``)."""
    try:
        with photo.image.open("rb") as handle:
            content = handle.read()
    except (OSError, ValueError):
        return None
    kind = next((t for magic, t in PICTURE_TYPES.items() if content.startswith(magic)), None)
    if kind is None:
        return None
    return f"data:{kind};base64,{base64.b64encode(content).decode('ascii')}"


def visit_title(visit: Visit, province: Province | None) -> str:
    name = province.name if province else visit.area_code
    return _("Report of the inspection visit to %(province)s, %(dates)s") % {
        "province": name,
        "dates": date_range(visit.start_date, visit.end_date),
    }


def date_range(start: dt.date, end: dt.date) -> str:
    """22–23 กรกฎาคม 2563; 30 กรกฎาคม – 2 สิงหาคม 2563 (BE in Thai, CE in English)."""
    if start == end:
        return i18n.date_label(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{i18n.date_label(end)}"
    return f"{i18n.date_label(start)} – {i18n.date_label(end)}"


@dataclass
class VisitReport:
    visit: Visit
    province: Province | None
    title: str
    office: str
    reference: str
    addressee: str
    date: dt.date
    agencies: list
    places: list
    findings: list
    actions: list
    inspectors: list[str]
    printed: dt.datetime = field(default_factory=timezone.now)

    @property
    def dates(self) -> str:
        return date_range(self.visit.start_date, self.visit.end_date)

    @property
    def summary_paragraphs(self) -> list[str]:
        text = self.visit.summary.replace("\r\n", "\n")
        return [p.strip() for p in text.split("\n\n") if p.strip()]


def visit_report(visit: Visit) -> VisitReport:
    """Everything the visit's memo shows, in eight queries (the visit is already read):
    province, inspectors, agencies met, places, findings, their photos, and the actions.
    Each finding gets ``pdf_photos``: ``[(data URI, caption)]``, at most
    :data:`MAX_PDF_PHOTOS` in all."""
    province = Province.objects.filter(code=visit.area_code[:2]).first()
    agencies = list(visit.agencies_met.select_related("agency"))
    places = list(
        visit.places.select_related("service_point", "agency", "producer_group").order_by(
            "visited_on", "pk"
        )
    )
    photos = Prefetch("photos", queryset=FindingPhoto.objects.order_by("taken_at", "pk"))
    findings = list(
        visit.findings.select_related(
            "place", "place__service_point", "place__agency", "place__producer_group"
        )
        .prefetch_related(photos)
        .order_by("pk")
    )
    actions = list(
        FollowUpAction.objects.filter(Q(visit=visit) | Q(finding__visit=visit))
        .select_related("owner", "finding")
        .order_by("due_date", "pk")
    )
    budget = MAX_PDF_PHOTOS
    for finding in findings:
        finding.pdf_photos = []
        for photo in finding.photos.all():
            uri = picture_data_uri(photo) if budget > 0 else None
            if uri:
                finding.pdf_photos.append((uri, photo.caption))
                budget -= 1
    inspectors = [u.full_name for u in visit.inspectors.order_by("full_name")]
    day = timezone.localtime(visit.submitted_at).date() if visit.submitted_at else visit.end_date
    return VisitReport(
        visit=visit,
        province=province,
        title=visit_title(visit, province),
        office=settings.OVERSIGHT_REPORT_OFFICE,
        reference=f"{settings.OVERSIGHT_REPORT_REFERENCE} {visit.pk}/{thaidate.be_year(day)}",
        addressee=settings.OVERSIGHT_REPORT_ADDRESSEE,
        date=day,
        agencies=agencies,
        places=places,
        findings=findings,
        actions=actions,
        inspectors=inspectors,
    )


# --- The province report -----------------------------------------------------------------------


@dataclass
class ProvinceReport:
    province: Province
    year: thaidate.FiscalYear
    period: Period
    visits: list
    findings_by_category: list[tuple[str, str, int]]  # (key, label, count), every category
    actions: list
    by_status: list[tuple[str, str, int]]  # every status
    by_agency: list[dict]
    today: dt.date

    @property
    def overdue(self) -> list:
        return [a for a in self.actions if a.is_overdue]

    @property
    def findings_total(self) -> int:
        return sum(n for _k, _l, n in self.findings_by_category)


def province_actions(user, code: str, year: thaidate.FiscalYear):
    """The follow-up actions of a province's fiscal year that ``user`` sees: those of its
    submitted visits (directly or through a finding), of its meetings, and the others
    created in the year."""
    period = Period(year.start, year.end)
    lo, hi = period.bounds()
    visits = Visit.objects.in_area(code).submitted().in_fiscal_year(year.be).values("pk")
    loose = Q(visit__isnull=True, finding__isnull=True, meeting__isnull=True)
    return (
        FollowUpAction.objects.visible_to(user)
        .in_area(code)
        .filter(
            Q(visit__in=visits)
            | Q(finding__visit__in=visits)
            | Q(meeting__starts_at__gte=lo, meeting__starts_at__lt=hi)
            | (loose & Q(created__gte=lo, created__lt=hi))
        )
    )


def province_report(user, province: Province, be: int) -> ProvinceReport:
    """A province's fiscal year as ``user`` sees it, in three queries: the submitted visits
    (with their counts), the findings by category, and the actions with their owners (the
    tallies by status and agency are counted from those rows)."""
    year = thaidate.fiscal_year(be)
    code = province.code
    today = timezone.localdate()
    visits = list(
        Visit.objects.visible_to(user)
        .in_area(code)
        .filter(status=VisitStatus.SUBMITTED)
        .in_fiscal_year(be)
        .with_counts()
        .order_by("start_date", "pk")
    )
    counts = (
        Finding.objects.visible_to(user).filter(visit__in=[v.pk for v in visits]).by_category()
        if visits
        else {}
    )
    findings = [(c.value, str(c.label), counts.get(c.value, 0)) for c in Category]
    actions = list(
        province_actions(user, code, year)
        .select_related("owner", "finding__visit", "visit")
        .order_by("due_date", "pk")
    )
    tally = Counter(a.status for a in actions)
    by_status = [(s.value, str(s.label), tally.get(s.value, 0)) for s in ActionStatus]
    agencies: dict[int, dict] = {}
    for a in actions:
        row = agencies.setdefault(
            a.owner_id,
            {"agency": a.owner, "name": a.owner.name, "total": 0, "open": 0, "overdue": 0,
             "closed": 0},
        )  # fmt: skip
        row["total"] += 1
        if a.status in PENDING_STATUSES:
            row["open"] += 1
            row["overdue"] += a.due_date < today
        elif a.status in (ActionStatus.DONE, ActionStatus.VERIFIED):
            row["closed"] += 1
    by_agency = sorted(agencies.values(), key=lambda r: (-r["overdue"], -r["open"], r["name"]))
    return ProvinceReport(
        province=province,
        year=year,
        period=Period(year.start, year.end),
        visits=visits,
        findings_by_category=findings,
        actions=actions,
        by_status=by_status,
        by_agency=by_agency,
        today=today,
    )


def may_see_province(user, code: str) -> bool:
    """Whether the province report is for ``user`` at all: an oversight role whose areas
    overlap the province, or an agency's officer (who sees their agency's actions in it).
    What it then shows is scoped row by row by the querysets."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    codes = querysets.area_codes(user)
    if codes is None:
        return True
    if any(c.startswith(code) or code.startswith(c) for c in codes):
        return True
    return bool(querysets.agency_ids(user))
