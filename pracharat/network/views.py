"""Network pages: the national picture, a point's public page, province maps, area dashboards,
the incident desk for agency officers and the point import for provincial officers. Views
parse, call a queryset, dashboard read or action, and render; figures come from ``dashboards``,
charts from ``charts``."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pracharat.core import charts, i18n, tables
from pracharat.core.collation import by_name
from pracharat.core.errors import DomainError, NotAllowed, add_to_form
from pracharat.core.lib.area import BadAreaCode, clean
from pracharat.core.privacy import client_hash
from pracharat.core.storage import private_file_response
from pracharat.geo.models import District, Province, SubDistrict
from pracharat.network import actions, dashboards, directions, imports, pointinfo
from pracharat.network.forms import (
    AcknowledgeForm,
    FaultReportForm,
    NoteForm,
    PointSearchForm,
    ResolveForm,
    TrackForm,
)
from pracharat.network.models import (
    FaultReport,
    Incident,
    IncidentStatus,
    PointStatus,
    ServicePoint,
)
from pracharat.network.templatetags.network_tags import status_badge

SEARCH_LIMIT = 50


def _status_rows(counts: dict[str, int]) -> list[dict]:
    return [
        {
            "status": value,
            "label": label,
            "badge": status_badge(value),
            "count": counts.get(value, 0),
        }
        for value, label in PointStatus.choices
    ]


def _daily_chart(days, figure: str, title) -> str:
    """The last 30 days of ``figure`` (users, sessions) as bars, today's highlighted."""
    return charts.bar_chart(
        [getattr(d, figure) for d in days],
        [i18n.day_tick(d.day) for d in days],
        tips=[i18n.date_label(d.day, "short") for d in days],
        title=title,
        label_every=5,
        highlight_last=True,
    )


def _search(query: str, status: str, *, devices: bool = False):
    points = ServicePoint.objects.with_place()
    if status:
        points = points.with_status(status)
    points = points.search(query, devices=devices)
    return points.order_by("area_code", "code")[:SEARCH_LIMIT]


def index(request):
    form = PointSearchForm(request.GET or None)
    staff = pointinfo.is_network_staff(request.user)
    results = None
    if (
        form.is_bound
        and form.is_valid()
        and (form.cleaned_data["q"] or form.cleaned_data["status"])
    ):
        results = list(
            _search(
                form.cleaned_data["q"],
                form.cleaned_data["status"],
                devices=staff,
            )
        )
    summary = dashboards.national_summary()
    return render(
        request,
        "network/index.html",
        {
            "form": form,
            "results": results,
            "search_limit": SEARCH_LIMIT,
            "staff": staff,
            "summary": summary,
            "statuses": _status_rows(summary["status_counts"]),
            "points_total": sum(summary["status_counts"].values()),
            "provinces": dashboards.province_table(summary["today"]),
        },
    )


def _submit_report(request, sp: ServicePoint) -> tuple[FaultReportForm, int]:
    """The posted report form and the status to answer: 302 when the report was filed."""
    ip_address = request.META.get("REMOTE_ADDR")
    try:
        # Before the form is validated: a client over the limit costs no photo decoding.
        actions.check_report_rate(sp, client_hash(ip_address))
    except actions.RateLimited as exc:
        form = FaultReportForm(request.POST)  # the text back; the upload is never read
        form.add_error(None, exc.message)
        return form, 429
    form = FaultReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return form, 400
    try:
        form.filed = actions.submit_fault_report(sp, form.to_input(), ip_address=ip_address)
    except actions.RateLimited as exc:  # another report got in meanwhile
        form.add_error(None, exc.message)
        return form, 429
    return form, 302


def point(request, code: str):
    sp = get_object_or_404(ServicePoint.objects.with_place(), code=code)
    form = FaultReportForm() if sp.is_in_service else None
    status = 200
    if request.method == "POST":
        if not sp.is_in_service:
            messages.error(request, actions.PointOutOfService.default_message)
            return redirect("network:point", code=sp.code)
        form, status = _submit_report(request, sp)
        if status == 302:
            report = form.filed
            messages.success(
                request,
                _(
                    "Thank you. Your report has been sent to the provider of this point. "
                    "Its reference is %(reference)s: keep it to follow the repair here."
                )
                % {"reference": report.reference},
            )
            return redirect("network:track_report", reference=report.reference)
    usage = dashboards.point_usage(sp)
    district = sp.village.subdistrict.district
    neighbours = [
        (lat, lon)
        for lat, lon in SubDistrict.objects.in_area(district.code)
        .exclude(latitude=None)
        .values_list("latitude", "longitude")
    ]
    lat = sp.latitude or sp.village.latitude
    lon = sp.longitude or sp.village.longitude
    locator = None
    if lat is not None and lon is not None:
        locator = charts.locator(
            lat, lon, reference=neighbours, title=_("Where the point is in its district")
        )
    incident = sp.incidents.exclude(status=IncidentStatus.RESOLVED).select_related("agency").first()
    days = usage["days"]
    chart = _daily_chart(days, "users", _("Users per day, last 30 days"))
    staff = pointinfo.is_network_staff(request.user)
    return render(
        request,
        "network/point.html",
        {
            "sp": sp,
            "district": district,
            "usage": usage,
            "chart": chart,
            "locator": locator,
            "lat": lat,
            "lon": lon,
            **directions.links(sp.location, sp.place_name),
            "incident": incident,
            "fixes": pointinfo.recent_fixes(sp),
            "alternatives": None if sp.is_in_service else pointinfo.alternatives(sp),
            "staff": staff,
            "costs": list(sp.costs.order_by("-effective_from")[:24]) if staff else [],
            "form": form,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD"])
def track(request):
    """Follow a report by its reference: a form, then that report's status page."""
    form = TrackForm(request.GET or None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            report = actions.report_by_reference(form.cleaned_data["reference"])
            if report is not None:
                return redirect("network:track_report", reference=report.reference)
            form.add_error("reference", _("No report has this reference. Check the letters."))
        status = 404
    return render(request, "network/track.html", {"form": form}, status=status)


@require_http_methods(["GET", "HEAD"])
def track_report(request, reference: str):
    """A report's public status: received, assigned, being fixed, fixed, with dates. Shows
    nothing of the person (no contact, no text, no photo): anyone with the reference sees it."""
    report = actions.report_by_reference(reference)
    if report is None:
        raise Http404
    if report.reference != reference:
        return redirect("network:track_report", reference=report.reference)
    return render(
        request,
        "network/track_report.html",
        {
            "report": report,
            "incident": report.incident,
            "sp": report.service_point,
            "steps": pointinfo.report_steps(report),
        },
    )


def area_map(request, code: str):
    province = get_object_or_404(Province, code=code)
    points = list(
        ServicePoint.objects.in_area(code)
        .select_related("village__subdistrict__district")
        .only(
            "code",
            "status",
            "latitude",
            "longitude",
            "place_name",
            "area_code",
            "village__name_th",
            "village__name_en",
            "village__latitude",
            "village__longitude",
            "village__subdistrict__district__name_th",
            "village__subdistrict__district__name_en",
            "village__subdistrict__district__code",
        )
        .order_by("area_code", "code")
    )
    subdistricts = list(
        SubDistrict.objects.in_area(code)
        .exclude(latitude=None)
        .values_list(
            "latitude", "longitude", "district_id", "district__name_th", "district__name_en"
        )
    )
    reference = [(lat, lon) for lat, lon, *_ in subdistricts]
    located = []
    districts: dict[str, dict] = {}
    for p in points:
        lat = p.latitude or p.village.latitude
        lon = p.longitude or p.village.longitude
        if lat is not None and lon is not None:
            located.append((lat, lon, p.status))
        d = p.village.subdistrict.district
        row = districts.setdefault(d.code, {"district": d, "counts": {}, "total": 0})
        row["counts"][p.status] = row["counts"].get(p.status, 0) + 1
        row["total"] += 1
    for row in districts.values():
        row["cells"] = [row["counts"].get(value, 0) for value, _ in PointStatus.choices]
    counts = {}
    for p in points:
        counts[p.status] = counts.get(p.status, 0) + 1
    attention = [p for p in points if p.status in (PointStatus.DOWN, PointStatus.DEGRADED)]
    return render(
        request,
        "network/map.html",
        {
            "province": province,
            "map_reference": _map_reference(subdistricts),
            "scatter": charts.dot_map(
                _by_status(located), reference=reference, title=_("Service points by status")
            ),
            "statuses": _status_rows(counts),
            "districts": sorted(districts.values(), key=lambda r: r["district"].code),
            "attention": attention[:200],
            "attention_count": len(attention),
            "status_choices": PointStatus.choices,
        },
    )


def _by_status(located) -> list[tuple[str, list]]:
    """Points grouped by status for the dot map, healthy first so that problems are drawn on
    top and stay visible where dots overlap (``.dots.down`` … in network.css)."""
    order = (PointStatus.DECOMMISSIONED, PointStatus.ACTIVE, PointStatus.DEGRADED, PointStatus.DOWN)
    return [
        (str(status), [(lat, lon) for lat, lon, s in located if s == status]) for status in order
    ]


def _map_reference(subdistricts) -> dict:
    """Faint sub-district centres and district names (at the mean of their sub-districts)
    for the Leaflet map, which has no tiles to show where things are."""
    groups: dict[str, list] = {}
    for lat, lon, district, name_th, name_en in subdistricts:
        name = i18n.localised(name_th, name_en)
        groups.setdefault(district, [name, 0.0, 0.0, 0])
        group = groups[district]
        group[1] += lat
        group[2] += lon
        group[3] += 1
    return {
        "dots": [[round(lat, 4), round(lon, 4)] for lat, lon, *_ in subdistricts],
        "labels": [[round(g[1] / g[3], 4), round(g[2] / g[3], 4), g[0]] for g in groups.values()],
    }


def _area_object(code: str):
    if code == "":
        return None
    if len(code) == 2:
        return get_object_or_404(Province, code=code)
    if len(code) == 4:
        return get_object_or_404(District.objects.select_related("province"), code=code)
    raise Http404


def area(request, code: str = ""):
    try:
        code = clean(code)
    except BadAreaCode as exc:
        raise Http404 from exc
    place = _area_object(code)
    pic = dashboards.picture(code, rank_key=request.GET.get("rank", "users"))
    days = pic.days
    day_chart = _daily_chart(days, "users", _("Users per day, last 30 days"))
    session_chart = _daily_chart(days, "sessions", _("Sessions per day, last 30 days"))
    month_chart = charts.bar_chart(
        [m.users for m in pic.months],
        [i18n.month_label(m.day, short=True) for m in pic.months],
        tips=[i18n.month_label(m.day) for m in pic.months],
        title=_("Users per month (sum of daily users), last 12 months"),
    )
    incidents = None
    if request.user.is_authenticated:
        visible = Incident.objects.visible_to(request.user).unresolved().with_point()
        if code:
            visible = visible.in_area(code)
        incidents = list(visible.order_by("sla_due")[:20])
    children = []
    if len(code) == 0:
        children = list(Province.objects.order_by(*by_name()))
    elif len(code) == 2:
        children = list(place.districts.order_by(*by_name()))
    return render(
        request,
        "network/area.html",
        {
            "code": code,
            "place": place,
            "pic": pic,
            "statuses": _status_rows(pic.status_counts),
            "day_chart": day_chart,
            "session_chart": session_chart,
            "month_chart": month_chart,
            "incidents": incidents,
            "children": children,
        },
    )


@login_required
def incidents(request):
    show = request.GET.get("show", "open")
    qs = (
        Incident.objects.visible_to(request.user)
        .select_related("service_point__village", "agency")
        .order_by("sla_due" if show == "open" else "-opened_at")
    )
    if show == "open":
        qs = qs.unresolved()
    elif show == "resolved":
        qs = qs.resolved()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "network/incidents.html",
        {
            "page": page,
            "show": show,
            "may_import": imports.may_import_points(request.user),
            "overdue_count": Incident.objects.visible_to(request.user).overdue().count(),
        },
    )


def _visible_incident(request, pk: int) -> Incident:
    return get_object_or_404(
        Incident.objects.visible_to(request.user).select_related(
            "service_point__village__subdistrict__district__province", "agency"
        ),
        pk=pk,
    )


@require_safe
def report_photo(request, pk: int):
    """A fault report's photo, for those who may see the report or its incident; 404 for
    everyone else, signed in or not (no login redirect that would say it exists)."""
    report = get_object_or_404(FaultReport.objects.seen_by(request.user).with_photo(), pk=pk)
    return private_file_response(report.photo)


@login_required
def incident(request, pk: int):
    return _render_incident(request, _visible_incident(request, pk))


def _render_incident(request, item: Incident, forms=None, status=200):
    forms = forms or {}
    can_work = actions.can_work_on(request.user, item)
    return render(
        request,
        "network/incident.html",
        {
            "incident": item,
            "sp": item.service_point,
            **directions.links(item.service_point.location, item.service_point.place_name),
            "events": item.events.select_related("actor"),
            "reports": FaultReport.objects.filter(incident=item)
            .with_contact_for(request.user)
            .order_by("-created")[:50],
            "can_work": can_work,
            "can_note": actions.can_note(request.user, item),
            "sees_photos": actions.sees_reporters_photos(request.user, item),
            "following": actions.is_following(request.user, item),
            "ack_form": forms.get("acknowledge", AcknowledgeForm()),
            "note_form": forms.get("note", NoteForm()),
            "resolve_form": forms.get("resolve", ResolveForm()),
        },
        status=status,
    )


INCIDENT_ACTIONS = {
    "acknowledge": (AcknowledgeForm, lambda i, u, d: actions.acknowledge_incident(i, u, d["note"])),
    "note": (NoteForm, lambda i, u, d: actions.add_incident_note(i, u, d["note"])),
    "resolve": (ResolveForm, lambda i, u, d: actions.resolve_incident(i, u, d["resolution"])),
}
DONE_MESSAGES = {
    "acknowledge": gettext_lazy("Incident acknowledged."),
    "note": gettext_lazy("Note added."),
    "resolve": gettext_lazy("Incident resolved."),
}


@login_required
@require_POST
def incident_action(request, pk: int, action: str):
    item = _visible_incident(request, pk)
    if action not in INCIDENT_ACTIONS:
        raise Http404
    form_class, run = INCIDENT_ACTIONS[action]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(item, request.user, form.cleaned_data)
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, DONE_MESSAGES[action])
            return redirect("network:incident", pk=item.pk)
    return _render_incident(request, item, forms={action: form}, status=400)


@login_required
@require_POST
def incident_follow(request, pk: int):
    """Follow (``follow=1``) or stop following an incident one sees: a no-JS form."""
    item = _visible_incident(request, pk)
    if request.POST.get("follow") == "1":
        actions.follow_incident(item, request.user)
        messages.success(request, gettext_lazy("You will hear when its status changes."))
    else:
        actions.unfollow_incident(item, request.user)
        messages.success(request, gettext_lazy("You no longer follow this incident."))
    return redirect("network:incident", pk=item.pk)


# --- Service-point import (officers) ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def point_import(request):
    """Points from a CSV or XLSX file, into the officer's areas only: every line is checked
    first; on any error nothing is imported and each error is listed with its line."""
    areas = imports.import_areas_for(request.user)
    return tables.import_page(
        request,
        "network/point_import.html",
        run=functools.partial(imports.import_points, areas=areas, max_rows=imports.WEB_MAX_ROWS),
        columns=imports.POINT_COLUMNS,
        template_url=reverse("network:point_import_template", args=["csv"]),
        context={"areas": areas, "max_rows": imports.WEB_MAX_ROWS},
    )


@login_required
@require_safe
def point_import_template(request, fmt: str):
    imports.import_areas_for(request.user)
    return tables.template_response(imports.POINT_COLUMNS, "service-points-template", fmt)
