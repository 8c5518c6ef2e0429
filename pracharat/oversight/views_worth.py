"""The worth review's pages: per area (counts, map, filterable and sortable table, sensitivity),
a point's evidence, CSV/XLSX, the A4 Thai PDF summary, and the public aggregate open data (CSV
and GeoJSON). The computation is :mod:`pracharat.oversight.worth`."""

from __future__ import annotations

import functools
import json
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from pracharat.core import charts, tables
from pracharat.core.errors import Invalid
from pracharat.core.numbers import Period
from pracharat.core.pdf import pdf_response, render_pdf
from pracharat.geo.models import District, Province
from pracharat.oversight import imports, worth

PAGE_SIZE = 100
SORTS = {
    "code": lambda r: r.code,
    "cost": lambda r: r.cost,
    "user_days": lambda r: r.user_days,
    "daily_users": lambda r: r.daily_users,
    "active_share": lambda r: r.active_share,
    "uptime": lambda r: r.uptime if r.uptime is not None else 101,
    "cost_per_user_day": lambda r: r.cost_per_user_day or Decimal(10**9),
    "learners": lambda r: r.learners,
}


def period_from(params) -> Period:
    """``start`` and ``end`` (ISO dates), else ``fy`` (BE), else the last full fiscal year;
    read as the API reads them (``worth.asked_period``): a bad period is a 404."""
    try:
        if params.get("start") or params.get("end"):
            return worth.asked_period(params.get("start"), params.get("end"))
        if params.get("fy"):
            be = int(params["fy"])
            if not 2560 <= be <= 2643:
                raise ValueError
            return Period.fiscal_year(be)
    except (ValueError, Invalid):
        raise Http404 from None
    return worth.last_full_fiscal_year()


def thresholds_from(params) -> worth.Thresholds:
    """The thresholds asked in the query string; a number outside its limits is a 404."""
    try:
        return worth.Thresholds.read(
            {
                name: float(params[name])
                for name in worth.Thresholds.names()
                if params.get(name) not in (None, "")
            }
        )
    except ValueError:
        raise Http404 from None


def _area_name(code: str) -> str:
    if not code:
        return _("Thailand")
    if len(code) == 2:
        province = Province.objects.filter(code=code).first()
        if province is None:
            raise Http404
        return province.name
    district = District.objects.filter(code=code[:4]).select_related("province").first()
    if district is None:
        raise Http404
    return f"{district.name}, {district.province.name}" if len(code) == 4 else code


def _filtered(rows: list[worth.Row], params) -> list[worth.Row]:
    for key, get in (
        ("class", lambda r: r.klass),
        ("district", lambda r: r.district),
        ("programme", lambda r: r.programme),
        ("provider", lambda r: r.provider_slug),
        ("kind", lambda r: r.kind),
    ):
        wanted = params.get(key)
        if wanted:
            rows = [r for r in rows if get(r) == wanted]
    sort = params.get("sort", "")
    key = SORTS.get(sort.lstrip("-"))
    if key:
        rows = sorted(rows, key=key, reverse=sort.startswith("-"))
    return rows


def review_table() -> tables.Table:
    C = tables.Column
    return tables.Table(
        [
            C("kind", gettext_lazy("Kind"), value="kind"),
            C("code", gettext_lazy("Code"), value="code"),
            C("name", gettext_lazy("Place"), value="name"),
            C("area_code", gettext_lazy("Village code"), value="area_code"),
            C("programme", gettext_lazy("Programme"), value="programme"),
            C("provider", gettext_lazy("Provider"), value="provider"),
            C("class", gettext_lazy("Class"), value="class_name"),
            C("recommendation", gettext_lazy("Recommendation"), value="recommendation_name"),
            C("days_in_service", gettext_lazy("Days in service"), value="days_in_service"),
            C("cost", gettext_lazy("Cost (baht)"), value="cost"),
            C("unique_users", gettext_lazy("Users (most on one day)"), value="unique_users"),
            C("active_days", gettext_lazy("Days with use"), value="active_days"),
            C("user_days", gettext_lazy("User-days"), value="user_days"),
            C("sessions", gettext_lazy("Sessions"), value="sessions"),
            C("bytes", gettext_lazy("Traffic (bytes)"), value="bytes"),
            C("peak_concurrent", gettext_lazy("Peak concurrent users"), value="peak_concurrent"),
            C("population", gettext_lazy("Population"), value="population"),
            C("households", gettext_lazy("Households"), value="households"),
            C(
                "reach_population",
                gettext_lazy("Reach (% of population)"),
                value="reach_population",
            ),
            C("uptime", gettext_lazy("Uptime (%)"), value="uptime"),
            C("incidents", gettext_lazy("Incidents"), value="incidents"),
            C("sla_missed", gettext_lazy("SLA missed"), value="sla_missed"),
            C("classes", gettext_lazy("Classes"), value="classes"),
            C("learners", gettext_lazy("Learners"), value="learners"),
            C("certificates", gettext_lazy("Certificates"), value="certificates"),
            C("activities", gettext_lazy("Volunteer activities"), value="activities"),
            C("group_income", gettext_lazy("Groups' online income (baht)"), value="group_income"),
            C("cost_per_user", gettext_lazy("Cost per user"), value="cost_per_user"),
            C("cost_per_user_day", gettext_lazy("Cost per user-day"), value="cost_per_user_day"),
            C("cost_per_learner", gettext_lazy("Cost per learner"), value="cost_per_learner"),
            C("change", gettext_lazy("Change of user-days (%)"), value="change"),
            C("evidence", gettext_lazy("Evidence"), value=lambda r: " ".join(r.sentences)),
        ]
    )


def _map(rows: list[worth.Row]):
    groups = [
        (f"worth-{k}", [(r.latitude, r.longitude) for r in rows if r.klass == k and r.latitude])
        for k in (worth.WELL_USED, worth.UNDER_USED, worth.IDLE, worth.BROKEN)
    ]
    return charts.dot_map(groups, title=_("Service points by class"))


def _sensitivity_rows(result: worth.Review) -> list[dict]:
    labels = threshold_labels()
    return [dict(s, label=labels[s["threshold"]]) for s in result.sensitivity()]


def threshold_labels() -> dict[str, str]:
    return {
        "broken_uptime": _("Broken below this uptime (%)"),
        "idle_active_share": _("Idle below this share of days with use (%)"),
        "well_used_daily_users": _("Well used from this many users a day"),
        "centre_well_used_learners": _("A centre is well used from this many learners"),
        "hand_over_days": _("Hand over when the contract ends within (days)"),
        "raised_factor": _("Use raised after a class by at least (times)"),
    }


def _review_for(request, code: str):
    if not worth.may_review(request.user, code):
        raise PermissionDenied
    name = _area_name(code)
    period = period_from(request.GET)
    result = worth.cached_review(code, period, thresholds_from(request.GET))
    return name, result


@login_required
def area(request, code: str = "", fmt: str = ""):
    name, result = _review_for(request, code)
    stem = f"worth-review-{code or 'th'}-{result.period.start:%Y%m%d}-{result.period.end:%Y%m%d}"
    rows = _filtered(result.rows, request.GET)
    if fmt == "pdf":
        pdf = render_pdf("oversight/pdf/worth_review.html", _summary(name, result), request)
        return pdf_response(pdf, f"{stem}.pdf")
    if fmt:
        return tables.export_response(review_table(), rows, stem, fmt, title=name)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    districts = sorted({r.district for r in result.rows})
    district_names = dict(
        District.objects.filter(code__in=districts).values_list("code", "name_th")
    )
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = request.GET.copy()
    sort_query.pop("sort", None)
    sort_query.pop("page", None)
    return render(
        request,
        "oversight/worth_review.html",
        _summary(name, result)
        | {
            "page": page,
            "shown": len(rows),
            "map": _map(result.points),
            "districts": [(d, district_names.get(d, d)) for d in districts],
            "programmes": sorted({r.programme for r in result.points}),
            "providers": sorted(
                {(r.provider_slug, r.provider) for r in result.points if r.provider_slug}
            ),
            "classes": [(k, worth.class_label(k)) for k in worth.CLASSES],
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "params": request.GET,
            "sorts": list(SORTS),
        },
    )


def _summary(name: str, result: worth.Review) -> dict:
    counts = result.counts()
    return {
        "name": name,
        "result": result,
        "code": result.code,
        "counts": [(k, worth.class_label(k), counts[k]) for k in worth.CLASSES],
        "centre_counts": [(k, worth.class_label(k), n) for k, n in result.counts("centre").items()],
        "recommendations": [
            (k, worth.recommendation_label(k), n) for k, n in result.recommendation_counts().items()
        ],
        "totals": result.totals,
        "thresholds": [
            (n, label, getattr(result.thresholds, n)) for n, label in threshold_labels().items()
        ],
        "sensitivity": _sensitivity_rows(result),
        "class_keys": worth.CLASSES,
    }


@login_required
def point(request, pk: int):
    from pracharat.network.models import ServicePoint

    found = ServicePoint.objects.filter(pk=pk).values_list("area_code", flat=True).first()
    if found is None:
        raise Http404
    if not worth.may_review(request.user, found):
        raise PermissionDenied
    period = period_from(request.GET)
    result = worth.review(found, period, thresholds_from(request.GET), point_pk=pk)
    if not result.points:
        raise Http404
    return render(
        request,
        "oversight/worth_point.html",
        {"row": result.points[0], "result": result, "labels": threshold_labels()},
    )


# --- open data: the public aggregate part ------------------------------------------------------


def open_table() -> tables.Table:
    C = tables.Column
    return tables.Table(
        [
            C("code", gettext_lazy("Area code"), value=lambda g: g["code"]),
            C("points", gettext_lazy("Service points"), value=lambda g: g["points"]),
            *[
                C(k, gettext_lazy(worth.CLASS_LABELS[k][1]), value=lambda g, k=k: g[k])
                for k in worth.CLASSES
            ],
            C("centres", gettext_lazy("Centres"), value=lambda g: g["centres"]),
            C("cost", gettext_lazy("Cost (baht)"), value=lambda g: g["cost"]),
            C("user_days", gettext_lazy("User-days"), value=lambda g: g["user_days"]),
            C("sessions", gettext_lazy("Sessions"), value=lambda g: g["sessions"]),
            C("bytes", gettext_lazy("Traffic (bytes)"), value=lambda g: g["bytes"]),
            C("learners", gettext_lazy("Learners"), value=lambda g: g["learners"]),
        ],
        header="key",
    )


def open_data(request, code: str = "", fmt: str = "csv"):
    """Public: the review's aggregates of an area by default thresholds, as CSV or GeoJSON;
    from the shared cache (``worth.open_aggregates``) after the first request."""
    _area_name(code)
    period = period_from(request.GET)
    groups = worth.open_aggregates(code, period)
    stem = f"worth-review-open-{code or 'th'}-{period.end:%Y%m%d}"
    if fmt == "geojson":
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [g["longitude"], g["latitude"]]}
                if g["latitude"] is not None
                else None,
                "properties": {k: (str(v) if isinstance(v, Decimal) else v) for k, v in g.items()
                               if k not in ("latitude", "longitude")}
                | {"start": period.start.isoformat(), "end": period.end.isoformat()},
            }
            for g in groups
        ]  # fmt: skip
        response = HttpResponse(
            json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
            content_type="application/geo+json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.geojson"'
        return response
    return tables.export_response(open_table(), groups, stem, "csv")


# --- village population upload (the review's reach) -------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def population_import(request):
    """Villages' population and households from a CSV or XLSX file of the official statistics,
    into the officer's areas only (a provincial officer their province): every line is checked
    first; on any error nothing is imported and each error is listed with its line."""
    areas = imports.import_areas_for(request.user)
    return tables.import_page(
        request,
        "oversight/worth_population_import.html",
        run=functools.partial(
            imports.import_population, areas=areas, max_rows=imports.WEB_MAX_ROWS
        ),
        columns=imports.COLUMNS,
        template_url=reverse("oversight:worth_population_template", args=["csv"]),
        context={"areas": areas, "max_rows": imports.WEB_MAX_ROWS},
    )


@login_required
@require_safe
def population_template(request, fmt: str):
    imports.import_areas_for(request.user)
    return tables.template_response(imports.COLUMNS, "village-population-template", fmt)
