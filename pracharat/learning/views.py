"""Learning pages: centres and their calendars (public), classes and registration (public),
the learner's private link, check-in by QR or short code (public, no JavaScript needed), and
the trainers' pages (create a class, its learners and walk-ins, the rotating QR, the
attendance sheet), venue bookings and the centre import. Views parse, call an action or a
queryset, and render; rights are the actions' (``learning.actions``)."""

from __future__ import annotations

import datetime as dt
import functools
import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pracharat.core import charts, tables
from pracharat.core.collation import by_name
from pracharat.core.errors import DomainError, add_to_form
from pracharat.core.lib import qr
from pracharat.core.middleware import client_ip
from pracharat.core.privacy import client_hash
from pracharat.geo.models import Province, SubDistrict
from pracharat.learning import actions, calendar, consent, imports
from pracharat.learning.forms import (
    AttendanceForm,
    BookingForm,
    CohortForm,
    NoteForm,
    RegistrationForm,
    SessionForm,
    ShortCodeForm,
    WhoForm,
)
from pracharat.learning.models import (
    AttendanceMethod,
    Centre,
    ClassSession,
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentChannel,
    EnrolmentStatus,
    Learner,
    VenueEvent,
)
from pracharat.network.models import ServicePoint

ME_COOKIE = "learning_me"
ME_SALT = "pracharat.learning.me"
ME_MAX = 5
LIST_LIMIT = 100
CALENDAR_DAYS = 60


# --- helpers ---------------------------------------------------------------------------------


def _window(days: int = CALENDAR_DAYS):
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(days=days)


def _remembered_ids(request) -> list[int]:
    raw = request.get_signed_cookie(ME_COOKIE, default="", salt=ME_SALT)
    return [int(x) for x in raw.split(",") if x.isdigit()][:ME_MAX]


def _remember(response, request, learner: Learner) -> None:
    ids = [learner.pk] + [i for i in _remembered_ids(request) if i != learner.pk]
    response.set_signed_cookie(
        ME_COOKIE,
        ",".join(str(i) for i in ids[:ME_MAX]),
        salt=ME_SALT,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def _remembered(request) -> list[Learner]:
    ids = _remembered_ids(request)
    return list(Learner.objects.filter(pk__in=ids, erased_at__isnull=True)) if ids else []


def _venue_from_query(request):
    if slug := request.GET.get("centre") or request.POST.get("centre"):
        return get_object_or_404(Centre, slug=slug)
    if code := request.GET.get("point") or request.POST.get("point"):
        return get_object_or_404(ServicePoint.objects.select_related("village"), code=code)
    raise Http404


def _venue_url(venue) -> str:
    if isinstance(venue, Centre):
        return reverse("learning:centre", args=[venue.slug])
    return reverse("network:point", args=[venue.code])


def _ics_response(text: str, stem: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{stem}.ics"'
    return response


def _cohort_list(queryset):
    return list(queryset.with_venue().with_counts().order_by("-pk")[:LIST_LIMIT])


# --- public: index, province, centre ---------------------------------------------------------


@require_safe
def index(request):
    provinces = list(Province.objects.order_by(*by_name()))
    centre_counts = {
        row["province"]: row["n"]
        for row in Centre.objects.in_service()
        .order_by()
        .annotate(province=_prefix2())
        .values("province")
        .annotate(n=Count("pk"))
    }
    provinces = [(p, centre_counts[p.code]) for p in provinces if p.code in centre_counts]
    upcoming = _cohort_list(Cohort.objects.open_for_registration())
    mine = None
    if request.user.is_authenticated:
        mine = (
            Cohort.objects.with_learners_for(request.user)
            .exclude(status__in=[CohortStatus.COMPLETED, CohortStatus.CANCELLED])
            .count()
        )
    return render(
        request,
        "learning/index.html",
        {
            "provinces": provinces,
            "upcoming": upcoming,
            "mine": mine,
            "centres": Centre.objects.count(),
            "may_import": _may_import(request.user),
        },
    )


def _prefix2():
    from django.db.models.functions import Substr

    return Substr("area_code", 1, 2)


def _may_import(user) -> bool:
    try:
        imports.import_areas_for(user)
    except DomainError:
        return False
    return True


@require_safe
def province(request, code: str):
    province = get_object_or_404(Province, code=code)
    centres = list(
        Centre.objects.in_area(code)
        .select_related("village__subdistrict__district", "host", "service_point")
        .order_by("area_code", *by_name())[:1000]
    )
    located = [(c.latitude, c.longitude) for c in centres if c.latitude is not None]
    reference = list(
        SubDistrict.objects.in_area(code)
        .exclude(latitude=None)
        .values_list("latitude", "longitude")
    )
    scatter = charts.dot_map(
        [("centres", located)], reference=reference, title=_("Learning centres")
    )
    start, end = _window()
    return render(
        request,
        "learning/province.html",
        {
            "province": province,
            "centres": centres,
            "scatter": scatter,
            "items": calendar.items(start, end, area=code, limit=100),
        },
    )


@require_safe
def province_ics(request, code: str):
    province = get_object_or_404(Province, code=code)
    start, end = _window(365)
    start -= dt.timedelta(days=90)
    name = _("Classes and activities in %(province)s") % {"province": province.name}
    text = calendar.ics(name, start, end, area=code, base_url=request.build_absolute_uri("/")[:-1])
    return _ics_response(text, f"learning-{code}")


@require_safe
def centre(request, slug: str):
    centre = get_object_or_404(Centre.objects.with_place(), slug=slug)
    start, end = _window()
    cohorts = _cohort_list(Cohort.objects.public().filter(centre=centre))
    staff = (
        actions.may_run_classes_at(request.user, centre) if request.user.is_authenticated else False
    )
    return render(
        request,
        "learning/centre.html",
        {
            "centre": centre,
            "cohorts": cohorts,
            "items": calendar.items(start, end, venue=centre),
            "staff": staff,
            "may_book": actions.may_request_booking(request.user),
        },
    )


@require_safe
def centre_ics(request, slug: str):
    centre = get_object_or_404(Centre, slug=slug)
    start, end = _window(365)
    start -= dt.timedelta(days=90)
    text = calendar.ics(
        centre.name, start, end, venue=centre, base_url=request.build_absolute_uri("/")[:-1]
    )
    return _ics_response(text, f"centre-{centre.slug}")


@require_safe
def point_ics(request, code: str):
    point = get_object_or_404(ServicePoint, code=code)
    start, end = _window(365)
    start -= dt.timedelta(days=90)
    text = calendar.ics(
        point.place_name, start, end, venue=point, base_url=request.build_absolute_uri("/")[:-1]
    )
    return _ics_response(text, f"point-{point.code}")


# --- public: a class and registration ------------------------------------------------------


def _cohort(pk: int) -> Cohort:
    return get_object_or_404(Cohort.objects.with_venue().with_counts(), pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
def cohort(request, pk: int):
    item = _cohort(pk)
    hidden = item.status in (CohortStatus.PLANNED, CohortStatus.CANCELLED)
    if hidden and not (request.user.is_authenticated and actions.may_manage(request.user, item)):
        raise Http404
    form = RegistrationForm(
        request.POST if request.method == "POST" else None, area_code=item.area_code
    )
    status = 200
    if request.method == "POST" and item.status == CohortStatus.OPEN:
        if form.is_valid():
            data = form.cleaned_data
            remembered = _remembered(request)
            try:
                enrolment, key = actions.register(
                    item,
                    full_name=data["full_name"],
                    phone=data["phone"],
                    occupation=data["occupation"],
                    age_group=data["age_group"],
                    village=data.get("village"),
                    consented=data["consent"],
                    channel=EnrolmentChannel.ONLINE,
                    client=client_hash(client_ip(request)),
                    learner=_same_person(remembered, data),
                )
            except DomainError as exc:
                add_to_form(form, exc)
                status = exc.status if exc.status != 422 else 400
            else:
                response = redirect(reverse("learning:me", args=[key]) + "?new=1")
                _remember(response, request, enrolment.learner)
                return response
        else:
            status = 400
    sessions = list(item.sessions.all())
    return render(
        request,
        "learning/cohort.html",
        {
            "cohort": item,
            "sessions": sessions,
            "form": form,
            "consent_text": consent.text(),
            "places_left": max(0, item.capacity - item.registered),
            "manage": request.user.is_authenticated and actions.may_manage(request.user, item),
        },
        status=status,
    )


def _same_person(remembered: list[Learner], data) -> Learner | None:
    """The remembered learner on this phone with the same name (a second class), if any."""
    name = " ".join((data.get("full_name") or "").split())
    for learner in remembered:
        if learner.full_name == name:
            return learner
    return None


@require_http_methods(["GET", "HEAD", "POST"])
def me(request, key: str):
    """The learner's private link: their record, withdraw from a class, erase everything."""
    try:
        learner = actions.learner_by_key(key)
    except DomainError:
        raise Http404 from None
    if request.method == "POST":
        if request.POST.get("erase") == "1":
            actions.erase_learner(learner)
            messages.success(
                request, _("Your data has been erased. Thank you for learning with us.")
            )
            response = redirect("learning:index")
            response.delete_cookie(ME_COOKIE)
            return response
        if enrolment_id := request.POST.get("withdraw"):
            enrolment = get_object_or_404(Enrolment, pk=enrolment_id, learner=learner)
            actions.withdraw(learner, enrolment)
            messages.success(request, _("You have withdrawn from the class."))
        return redirect("learning:me", key=key)
    enrolments = list(
        learner.enrolments.select_related(
            "cohort__course", "cohort__centre", "cohort__service_point"
        )
        .annotate(
            attended=Count("attendance", filter=Q(attendance__status__in=["present", "late"]))
        )
        .order_by("-registered_at")
    )
    response = render(
        request,
        "learning/me.html",
        {
            "learner": learner,
            "enrolments": enrolments,
            "new": request.GET.get("new") == "1",
            "link": request.build_absolute_uri(reverse("learning:me", args=[key])),
        },
    )
    response["Cache-Control"] = "private, no-store"
    _remember(response, request, learner)
    return response


# --- public: check-in ------------------------------------------------------------------------


def _checkin_limited(request) -> bool:
    return not actions.checkin_limit().hit(client_hash(client_ip(request)))


@require_http_methods(["GET", "HEAD", "POST"])
def checkin_qr(request, token: str):
    """The page the QR code opens: one tap for a remembered learner, else name or phone."""
    form = WhoForm(request.POST if request.method == "POST" else None)
    try:
        session = actions.session_for_token(token)
    except DomainError as exc:
        return render(
            request, "learning/checkin_refused.html", {"message": exc.message}, status=410
        )
    remembered = _remembered(request)
    known = _known_enrolment(session, remembered)
    if request.method == "POST":
        if _checkin_limited(request):
            return render(
                request,
                "learning/checkin_refused.html",
                {"message": _("Too many attempts from here; ask the trainer to mark you.")},
                status=429,
            )
        if form.is_valid():
            return _do_checkin(request, session, form, remembered, AttendanceMethod.QR)
        status = 400
    else:
        status = 200
    return render(
        request,
        "learning/checkin.html",
        {"session": session, "form": form, "known": known, "token": token},
        status=status,
    )


def _known_enrolment(session, remembered):
    if not remembered:
        return None
    return (
        Enrolment.objects.select_related("learner")
        .filter(
            cohort_id=session.cohort_id,
            learner__in=remembered,
            status=EnrolmentStatus.REGISTERED,
        )
        .first()
    )


def _do_checkin(request, session, form, remembered, method):
    try:
        enrolment = actions.identify(session.cohort, form.cleaned_data.get("who", ""), remembered)
        attendance, created = actions.check_in(session, enrolment, method)
    except DomainError as exc:
        add_to_form(form, exc)
        return render(
            request,
            "learning/checkin.html",
            {"session": session, "form": form, "known": None, "token": ""},
            status=400,
        )
    response = render(
        request,
        "learning/checkin_done.html",
        {
            "session": session,
            "attendance": attendance,
            "created": created,
            "learner": enrolment.learner,
        },
    )
    _remember(response, request, enrolment.learner)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def checkin_code(request):
    """Check in with the short code (for phones that cannot scan)."""
    form = ShortCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if _checkin_limited(request):
            return render(
                request,
                "learning/checkin_refused.html",
                {"message": _("Too many attempts from here; ask the trainer to mark you.")},
                status=429,
            )
        if form.is_valid():
            try:
                session = actions.session_for_short_code(form.cleaned_data["code"])
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                return _do_checkin(
                    request, session, form, _remembered(request), AttendanceMethod.SHORT_CODE
                )
        status = 400
    return render(request, "learning/checkin_code.html", {"form": form}, status=status)


# --- trainers --------------------------------------------------------------------------------


@login_required
@require_safe
def mine(request):
    """The classes whose learners the signed-in person sees and manages."""
    cohorts = _cohort_list(Cohort.objects.with_learners_for(request.user))
    bookings = actions.decidable_bookings(request.user).select_related(
        "centre", "service_point", "organiser"
    )[:LIST_LIMIT]
    return render(request, "learning/mine.html", {"cohorts": cohorts, "bookings": list(bookings)})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cohort_new(request):
    venue = _venue_from_query(request)
    if not actions.may_run_classes_at(request.user, venue):
        raise PermissionDenied(_("You may not hold classes at this venue."))
    form = CohortForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = actions.create_cohort(
                    request.user,
                    course=data["course"],
                    venue=venue,
                    sessions=form.sessions(),
                    capacity=data["capacity"],
                    description=data["description"],
                    open_now=data["open_now"],
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("The class has been created."))
                return redirect("learning:manage", pk=item.pk)
        status = 400
    return render(
        request,
        "learning/cohort_new.html",
        {"form": form, "venue": venue, "venue_url": _venue_url(venue),
         "is_centre": isinstance(venue, Centre)},
        status=status,
    )  # fmt: skip


def _managed(request, pk: int) -> Cohort:
    item = _cohort(pk)
    if not actions.may_manage(request.user, item):
        raise PermissionDenied(_("Only the class's staff see its learners."))
    return item


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, pk: int):
    """The class's staff page: learners (scoped), walk-in registration, status, sessions."""
    item = _managed(request, pk)
    walk_in = RegistrationForm(
        request.POST if request.POST.get("form") == "walk_in" else None,
        area_code=item.area_code,
        walk_in=True,
        prefix="w",
    )
    session_form = SessionForm(
        request.POST if request.POST.get("form") == "session" else None, prefix="s"
    )
    status = 200
    new_key = None
    if request.method == "POST" and request.POST.get("form") == "walk_in":
        if walk_in.is_valid():
            data = walk_in.cleaned_data
            try:
                _enrolment, new_key = actions.register(
                    item,
                    full_name=data["full_name"],
                    phone=data["phone"],
                    occupation=data["occupation"],
                    age_group=data["age_group"],
                    village=data.get("village"),
                    consented=data["consent"],
                    channel=EnrolmentChannel.WALK_IN,
                    actor=request.user,
                )
            except DomainError as exc:
                add_to_form(walk_in, exc)
                status = 400
            else:
                messages.success(request, _("The learner has been registered."))
                walk_in = RegistrationForm(area_code=item.area_code, walk_in=True, prefix="w")
                item = _cohort(pk)
        else:
            status = 400
    elif request.method == "POST" and request.POST.get("form") == "session":
        if session_form.is_valid() and session_form.sessions():
            start, end = session_form.sessions()[0]
            try:
                actions.add_session(request.user, item, start, end)
            except DomainError as exc:
                add_to_form(session_form, exc)
                status = 400
            else:
                messages.success(request, _("The session has been added."))
                return redirect("learning:manage", pk=pk)
        else:
            status = 400
    enrolments = list(
        Enrolment.objects.visible_to(request.user)
        .filter(cohort=item)
        .select_related("learner", "learner__village")
        .annotate(
            attended=Count("attendance", filter=Q(attendance__status__in=["present", "late"]))
        )
        .order_by("status", "registered_at")
    )
    return render(
        request,
        "learning/manage.html",
        {
            "cohort": item,
            "sessions": list(item.sessions.all()),
            "enrolments": enrolments,
            "walk_in": walk_in,
            "session_form": session_form,
            "consent_text": consent.text(),
            "actions": actions.COHORTS.allowed(item),
            "note_form": NoteForm(),
            "new_link": request.build_absolute_uri(reverse("learning:me", args=[new_key]))
            if new_key
            else None,
        },
        status=status,
    )


@login_required
@require_POST
def cohort_action(request, pk: int, action: str):
    item = _cohort(pk)
    try:
        actions.move_cohort(request.user, item, action, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("learning:manage", pk=pk)


def _managed_session(request, pk: int) -> ClassSession:
    session = get_object_or_404(
        ClassSession.objects.select_related(
            "cohort__course", "cohort__centre", "cohort__service_point"
        ),
        pk=pk,
    )
    if not actions.may_manage(request.user, session.cohort):
        raise PermissionDenied(_("Only the class's staff take its attendance."))
    return session


@login_required
@require_safe
def session_qr(request, pk: int):
    """The trainer's screen: the QR code of the check-in URL and the short code, changing
    every step; a meta refresh reloads it when the step ends (learning/qr.js does it
    smoothly when JavaScript runs)."""
    session = _managed_session(request, pk)
    codes = actions.codes_for(session)
    url = request.build_absolute_uri(reverse("learning:checkin", args=[codes.token]))
    present = session.attendance.filter(status__in=["present", "late"]).count()
    context = {
        "session": session,
        "codes": codes,
        "url": url,
        "qr": mark_safe(qr.svg(url, _("Scan to check in"))),  # noqa: S308 - segno's SVG, escaped label
        "refresh": max(1, math.ceil(codes.seconds_left)),
        "present": present,
        "registered": session.cohort.enrolments.filter(status="registered").count(),
        "short_url": request.build_absolute_uri(reverse("learning:checkin_code")),
    }
    template = "learning/_qr.html" if request.GET.get("part") == "1" else "learning/session_qr.html"
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attendance(request, pk: int):
    """The trainer's sheet for one session: everyone, present / late / excused / absent."""
    session = _managed_session(request, pk)
    enrolments = list(
        Enrolment.objects.visible_to(request.user)
        .filter(cohort_id=session.cohort_id, status=EnrolmentStatus.REGISTERED)
        .select_related("learner")
        .order_by("learner__full_name", "pk")
    )
    current = {a.enrolment_id: a for a in session.attendance.filter(enrolment__in=enrolments)}
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        enrolments=enrolments,
        current={k: v.status for k, v in current.items()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                counts = actions.mark_attendance(request.user, session, form.marks())
            except DomainError as exc:
                add_to_form(form, exc)
                status = 400
            else:
                messages.success(
                    request,
                    _("Attendance saved: %(new)d new, %(changed)d changed.")
                    % {"new": counts["created"], "changed": counts["updated"]},
                )
                return redirect("learning:attendance", pk=pk)
        else:
            status = 400
    rows = [(e, field, current.get(e.pk)) for e, field in form.rows]
    return render(
        request,
        "learning/attendance.html",
        {"session": session, "form": form, "rows": rows},
        status=status,
    )


# --- venue bookings ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def booking_new(request):
    venue = _venue_from_query(request)
    if not actions.may_request_booking(request.user):
        raise PermissionDenied(_("Only agency officers, trainers and officers may book a venue."))
    form = BookingForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                starts_at, ends_at = form.times()
                event = actions.request_booking(
                    request.user,
                    venue=venue,
                    title=data["title"],
                    kind=data["kind"],
                    starts_at=starts_at,
                    ends_at=ends_at,
                    weekly=data["weekly"],
                    repeat_until=data["repeat_until"],
                    organiser_name=data["organiser_name"],
                    note=data["note"],
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                if event.status == "confirmed":
                    messages.success(request, _("The activity is on the venue's calendar."))
                else:
                    messages.success(request, _("Your request has been sent to the venue's staff."))
                return redirect(_venue_url(venue))
        status = 400
    return render(
        request,
        "learning/booking_new.html",
        {"form": form, "venue": venue, "venue_url": _venue_url(venue),
         "is_centre": isinstance(venue, Centre)},
        status=status,
    )  # fmt: skip


@login_required
@require_POST
def booking_action(request, pk: int, action: str):
    event = get_object_or_404(VenueEvent.objects.visible_to(request.user), pk=pk)
    try:
        actions.decide_booking(request.user, event, action, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Booking: %(status)s.") % {"status": event.get_status_display()}
        )
    return redirect("learning:mine")


# --- centre import -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def centre_import(request):
    try:
        areas = imports.import_areas_for(request.user)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from None
    return tables.import_page(
        request,
        "learning/import.html",
        run=functools.partial(imports.import_centres, areas=areas, max_rows=imports.WEB_MAX_ROWS),
        columns=imports.COLUMNS,
        template_url=reverse("learning:import_template", args=["csv"]),
        context={"areas": areas},
    )


@login_required
@require_safe
def import_template(request, fmt: str):
    try:
        imports.import_areas_for(request.user)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from None
    return tables.template_response(imports.COLUMNS, "learning-centres-template", fmt)
