"""The learning API at /api/v1/learning/: public reads only, no login.

- ``certificates/{code}``: a certificate's name, course, date, issuer and whether it is
  revoked (when, why) — what the printed paper shows, nothing more;
- ``certificates/{code}/revocations``: the credential's status list (a
  ``1EdTechRevocationList``, the ``credentialStatus`` of its Open Badges credential);
- ``centres`` and ``classes``: the public registry with counts (classes, sessions,
  registered learners), never a learner;
- ``indicators``: the pillar's numbers for an area and a period (default: the fiscal year to
  date, or ``year=`` a fiscal year in BE), with the volunteers pillar's figures when present.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max, Min, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from pracharat.core import keys
from pracharat.core.api_schemas import period_query, with_errors
from pracharat.core.errors import Invalid
from pracharat.core.lib import thaidate
from pracharat.core.numbers import Period, period_from_query
from pracharat.learning import badges, certificates, indicators, numbers
from pracharat.learning.models import Centre, Certificate, Cohort, CohortStatus

router = Router(tags=["learning"])

AREA_PATTERN = r"^(?:\d{2}|\d{4}|\d{6}|\d{8})$"
CODE_PATTERN = r"^[0-9A-Z]{4}-[0-9A-Z]{4}$"
MAX_DAYS = 3653


class CertificateOut(Schema):
    code: str
    holder_name: str = Field(description="blank when the holder erased their data")
    course_title_th: str
    course_title_en: str
    issued_on: dt.date
    issuer_name: str
    revoked: bool
    revoked_on: dt.date | None
    revoked_reason: str


@router.get(
    "/certificates/{code}",
    response=with_errors(CertificateOut, 404),
    summary="Verify a certificate by its code",
)
def certificate(request, code: str = Path(..., pattern=CODE_PATTERN)):
    cert = get_object_or_404(Certificate, code=code)
    return {
        "code": cert.code,
        "holder_name": cert.holder_name,
        "course_title_th": cert.course_title_th,
        "course_title_en": cert.course_title_en,
        "issued_on": cert.issued_on,
        "issuer_name": cert.issuer_name,
        "revoked": cert.is_revoked,
        "revoked_on": timezone.localtime(cert.revoked_at).date() if cert.revoked_at else None,
        "revoked_reason": certificates.revoked_reason_label(cert) if cert.is_revoked else "",
    }


class RevokedOut(Schema):
    id: str
    revocationDate: dt.datetime
    revocationReason: str


class RevocationListOut(Schema):
    id: str
    issuer: str
    revokedCredentials: list[RevokedOut]


@router.get(
    "/certificates/{code}/revocations",
    response=with_errors(RevocationListOut, 404),
    summary="The credential's revocation list (1EdTech Revocation List)",
)
def revocations(request, code: str = Path(..., pattern=CODE_PATTERN)):
    cert = get_object_or_404(Certificate, code=code)
    revoked = []
    if cert.is_revoked:
        revoked.append(
            {
                "id": badges.verification_url(cert.code),
                "revocationDate": cert.revoked_at,
                "revocationReason": certificates.revoked_reason_label(cert),
            }
        )
    return {
        "id": badges.revocation_list_url(cert.code),
        "issuer": keys.did(),
        "revokedCredentials": revoked,
    }


# --- Centres and classes: counts only -------------------------------------------------------


class CentreOut(Schema):
    slug: str
    name_th: str
    name_en: str
    kind: str
    status: str
    area_code: str
    host: str = Field(description="the host agency's Thai name")
    latitude: float | None
    longitude: float | None
    classes: int
    learners: int = Field(description="registered learners of its classes (a count)")


class CentrePage(Schema):
    count: int
    items: list[CentreOut]


class ListFilter(Schema):
    area: str | None = Field(None, pattern=AREA_PATTERN, description="DOPA area code prefix")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


@router.get("/centres", response=with_errors(CentrePage), summary="Learning centres")
def centres(request, filters: Query[ListFilter]):
    qs = Centre.objects.all()
    if filters.area:
        qs = qs.in_area(filters.area)
    count = qs.count()
    page = (
        qs.select_related("host")
        .annotate(
            n_classes=Count("cohorts", distinct=True),
            n_learners=Count(
                "cohorts__enrolments",
                filter=Q(cohorts__enrolments__status="registered"),
                distinct=True,
            ),
        )
        .order_by("area_code", "slug")[filters.offset : filters.offset + filters.limit]
    )
    items = [
        {
            "slug": c.slug,
            "name_th": c.name_th,
            "name_en": c.name_en,
            "kind": c.kind,
            "status": c.status,
            "area_code": c.area_code,
            "host": c.host.name_th if c.host_id else "",
            "latitude": c.latitude,
            "longitude": c.longitude,
            "classes": c.n_classes,
            "learners": c.n_learners,
        }
        for c in page
    ]
    return {"count": count, "items": items}


class ClassOut(Schema):
    id: int
    course: str
    course_title_th: str
    course_title_en: str
    number: int
    status: str
    area_code: str
    venue: str
    centre: str | None = Field(description="the centre's slug when it meets at a centre")
    service_point: str | None = Field(description="the point's code when it meets there")
    capacity: int
    first_session: dt.datetime | None
    last_session: dt.datetime | None
    sessions: int
    registered: int
    certificates: int


class ClassPage(Schema):
    count: int
    items: list[ClassOut]


class ClassFilter(ListFilter):
    status: CohortStatus | None = None


@router.get("/classes", response=with_errors(ClassPage), summary="Classes (public ones)")
def classes(request, filters: Query[ClassFilter]):
    qs = Cohort.objects.public()
    if filters.area:
        qs = qs.in_area(filters.area)
    if filters.status:
        qs = qs.filter(status=filters.status)
    count = qs.count()
    page = list(
        qs.select_related("course", "centre", "service_point")
        .annotate(
            n_sessions=Count("sessions", distinct=True),
            first=Min("sessions__starts_at"),
            last=Max("sessions__starts_at"),
            n_registered=Count(
                "enrolments", filter=Q(enrolments__status="registered"), distinct=True
            ),
            n_certificates=Count(
                "enrolments__certificate",
                filter=Q(enrolments__certificate__revoked_at__isnull=True),
                distinct=True,
            ),
        )
        .order_by("-pk")[filters.offset : filters.offset + filters.limit]
    )
    items = [
        {
            "id": c.pk,
            "course": c.course.slug,
            "course_title_th": c.course.title_th,
            "course_title_en": c.course.title_en,
            "number": c.number,
            "status": c.status,
            "area_code": c.area_code,
            "venue": c.venue_name,
            "centre": c.centre.slug if c.centre_id else None,
            "service_point": c.service_point.code if c.service_point_id else None,
            "capacity": c.capacity,
            "first_session": c.first,
            "last_session": c.last,
            "sessions": c.n_sessions,
            "registered": c.n_registered,
            "certificates": c.n_certificates,
        }
        for c in page
    ]
    return {"count": count, "items": items}


# --- Indicators ------------------------------------------------------------------------------


class NumberOut(Schema):
    key: str
    label: str
    value: int | float | None
    unit: str


class IndicatorsOut(Schema):
    code: str = Field(description='DOPA area code; "" is the whole country')
    start: dt.date
    end: dt.date
    learning: list[NumberOut]
    volunteers: list[NumberOut] = Field(description="empty when the volunteers pillar is absent")


PeriodQuery = period_query("the first day of end's fiscal year")


class IndicatorQuery(PeriodQuery):
    area: str | None = Field(None, pattern=AREA_PATTERN, description="DOPA area code")
    year: int | None = Field(
        None, ge=2560, le=2700, description="a fiscal year in BE (instead of start/end)"
    )


def _period(query: IndicatorQuery) -> Period:
    if query.year is not None:
        if query.start or query.end:
            raise Invalid(_("Give either a fiscal year or start and end."), field="year")
        return Period.fiscal_year(query.year)
    return period_from_query(
        query.start,
        query.end,
        default_start=lambda end: thaidate.fiscal_year_of(end).start,
        max_days=MAX_DAYS,
    )


def _numbers(items) -> list[dict]:
    return [n.as_dict() for n in items]


@router.get(
    "/indicators",
    response=with_errors(IndicatorsOut),
    summary="Learning indicators for an area and a period",
)
def indicator_numbers(request, query: Query[IndicatorQuery]):
    period = _period(query)
    code = query.area or ""
    return {
        "code": code,
        "start": period.start,
        "end": period.end,
        "learning": _numbers(numbers.area_numbers(code, period)),
        "volunteers": _numbers(indicators.volunteer_numbers(code, period)),
    }
