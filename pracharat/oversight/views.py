"""Oversight pages: the agencies' workspace (directory, meetings, announcements), inspection
plans and visits (with places, findings and photos), and follow-up actions with their updates
and evidence. Views parse, read through the scoped querysets, call ``actions`` and render;
a refusal from an action goes on the form (``core.errors.add_to_form``).

Every page needs a signed-in person; a record the reader may not see is a 404 (never a login
redirect or a 403 that would say it exists)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pracharat.accounts.models import Agency, Membership, Role
from pracharat.core.collation import by_name
from pracharat.core.errors import DomainError, add_to_form
from pracharat.core.lib.thaidate import fiscal_year, fiscal_year_of
from pracharat.core.storage import private_file_response
from pracharat.geo.models import Province
from pracharat.oversight import actions, forms
from pracharat.oversight.models import (
    ActionEvidence,
    ActionStatus,
    AgencyProfile,
    Announcement,
    Finding,
    FindingPhoto,
    FollowUpAction,
    InspectionPlan,
    Meeting,
    Visit,
)
from pracharat.oversight.querysets import agency_ids, area_codes

PAGE_SIZE = 50


def _provinces(user) -> list[Province]:
    codes = area_codes(user)
    provinces = Province.objects.all()
    if codes is not None:
        provinces = provinces.filter(code__in={c[:2] for c in codes if c})
    return list(provinces.order_by(*by_name()))


def _chosen_area(request, provinces) -> str:
    """The province asked for (``?area=65``) if the reader works there, else their first."""
    wanted = request.GET.get("area", "")
    codes = [p.code for p in provinces]
    if wanted in codes:
        return wanted
    return codes[0] if len(codes) == 1 else ""


def _actions_list(qs):
    return qs.select_related("owner").order_by("due_date", "pk")


@login_required
def index(request):
    user = request.user
    today = timezone.localdate()
    mine = agency_ids(user)
    actions_qs = FollowUpAction.objects.visible_to(user)
    pending = _actions_list(actions_qs.pending())
    counts = actions_qs.status_counts()
    context = {
        "provinces": _provinces(user),
        "own_actions": list(_actions_list(actions_qs.pending().filter(owner_id__in=mine))[:20])
        if mine
        else [],
        "overdue": list(pending.filter(due_date__lt=today)[:20]),
        "meetings": list(Meeting.objects.visible_to(user).upcoming()[:5]),
        "announcements": list(Announcement.objects.visible_to(user).published()[:5]),
        "visits": list(Visit.objects.visible_to(user).order_by("-start_date", "-pk")[:5]),
        "counts": counts,
        "pending_count": sum(counts.get(s, 0) for s in ("open", "in_progress", "reopened")),
        "done_count": counts.get("done", 0),
        "overdue_count": actions_qs.overdue(today).count(),
        "may_inspect": actions.is_inspector_for(user, ""),
        "is_inspector": Membership.objects.filter(user=user, role=Role.INSPECTOR).exists()
        or user.is_superuser,
    }
    return render(request, "oversight/index.html", context)


# --- Directory ----------------------------------------------------------------------------------


@login_required
def agencies(request):
    provinces = _provinces(request.user)
    area = _chosen_area(request, provinces)
    rows = []
    if area:
        rows = list(
            forms.agencies_of(area)
            .select_related("oversight_profile")
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.filter(role=Role.AGENCY_OFFICER).select_related(
                        "user"
                    ),
                )
            )
            .annotate(
                pending=Count(
                    "oversight_actions",
                    filter=Q(oversight_actions__status__in=("open", "in_progress", "reopened")),
                )
            )
        )
    return render(
        request,
        "oversight/agencies.html",
        {"provinces": provinces, "area": area, "agencies": rows},
    )


@login_required
def agency(request, slug: str):
    item = get_object_or_404(Agency.objects.visible_to(request.user), slug=slug)
    profile = AgencyProfile.objects.filter(agency=item).first()
    people = (
        Membership.objects.filter(agency=item).select_related("user").order_by("user__full_name")
    )
    actions_qs = _actions_list(FollowUpAction.objects.visible_to(request.user).owned_by(item.pk))
    return render(
        request,
        "oversight/agency.html",
        {
            "agency": item,
            "profile": profile,
            "people": [m for m in people if m.user.is_active],
            "actions": list(actions_qs[:100]),
        },
    )


# --- Meetings -----------------------------------------------------------------------------------


@login_required
def meetings(request):
    qs = Meeting.objects.visible_to(request.user).with_counts().order_by("-starts_at", "-pk")
    area = request.GET.get("area", "")
    if area.isdigit() and len(area) == 2:
        qs = qs.in_area(area)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    provinces = _provinces(request.user)
    return render(
        request,
        "oversight/meetings.html",
        {
            "page": page,
            "provinces": provinces,
            "may_create": any(actions.can_run_workspace(request.user, p.code) for p in provinces),
        },
    )


def _visible_meeting(request, pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int | None = None):
    meeting = _visible_meeting(request, pk) if pk else None
    provinces = _provinces(request.user)
    area = meeting.area_code if meeting else _chosen_area(request, provinces)
    if not area:
        return render(
            request, "oversight/choose_province.html", {"provinces": provinces, "what": "meeting"}
        )
    if not actions.can_run_workspace(request.user, area):
        raise Http404
    initial = {}
    if meeting:
        initial = {
            name: getattr(meeting, name)
            for name in (
                "title",
                "starts_at",
                "ends_at",
                "place",
                "online_url",
                "agenda",
                "minutes",
            )
        }
        initial["starts_at"] = timezone.localtime(meeting.starts_at)
        if meeting.ends_at:
            initial["ends_at"] = timezone.localtime(meeting.ends_at)
        initial["attendees"] = [a.agency_id for a in meeting.attendees.all()]
    form = forms.MeetingForm(request.POST or None, area_code=area, initial=initial)
    if request.method == "POST" and form.is_valid():
        reps = {a.agency_id: a.representatives for a in meeting.attendees.all()} if meeting else {}
        try:
            saved = actions.save_meeting(
                request.user,
                form.to_input(visit=meeting.visit if meeting else None, keep_representatives=reps),
                meeting,
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect("oversight:meeting", saved.pk)
    return render(
        request,
        "oversight/meeting_form.html",
        {"form": form, "meeting": meeting, "area": area},
        status=400 if form.errors else 200,
    )


@login_required
def meeting(request, pk: int):
    item = _visible_meeting(request, pk)
    return _render_meeting(request, item)


def _render_meeting(request, item: Meeting, decisions=None, attendee_form=None, status=200):
    may_edit = actions.can_run_workspace(request.user, item.area_code)
    return render(
        request,
        "oversight/meeting.html",
        {
            "meeting": item,
            "attendees": list(item.attendees.select_related("agency")),
            "actions": list(_actions_list(item.actions.all())),
            "may_edit": may_edit,
            "decisions": decisions
            or (
                forms.DecisionFormSet(form_kwargs={"area_code": item.area_code}, prefix="d")
                if may_edit
                else None
            ),
            "attendee_form": attendee_form
            or (forms.AttendeeForm(area_code=item.area_code) if may_edit else None),
        },
        status=status,
    )


@login_required
@require_POST
def meeting_decisions(request, pk: int):
    """The meeting's decisions become follow-up actions in one step."""
    item = _visible_meeting(request, pk)
    formset = forms.DecisionFormSet(
        request.POST, form_kwargs={"area_code": item.area_code}, prefix="d"
    )
    if formset.is_valid():
        rows = [f.to_input() for f in formset.forms if f.cleaned_data and not f.is_blank]
        try:
            created = actions.record_decisions(request.user, item, rows)
        except DomainError as exc:
            formset.non_form_errors().append(str(exc))
        else:
            messages.success(
                request,
                _("%(n)d follow-up actions were created and their agencies notified.")
                % {"n": len(created)},
            )
            return redirect("oversight:meeting", item.pk)
    return _render_meeting(request, item, decisions=formset, status=400)


@login_required
@require_POST
def meeting_attendee(request, pk: int):
    item = _visible_meeting(request, pk)
    form = forms.AttendeeForm(request.POST, area_code=item.area_code)
    if form.is_valid():
        if not actions.can_run_workspace(request.user, item.area_code):
            raise Http404
        current = [(a.agency, a.representatives) for a in item.attendees.select_related("agency")]
        others = [(a, r) for a, r in current if a.pk != form.cleaned_data["agency"].pk]
        try:
            actions.set_attendees(
                item, [*others, (form.cleaned_data["agency"], form.cleaned_data["representatives"])]
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            return redirect("oversight:meeting", item.pk)
    return _render_meeting(request, item, attendee_form=form, status=400)


# --- Announcements ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def announcements(request):
    provinces = _provinces(request.user)
    area = _chosen_area(request, provinces)
    qs = Announcement.objects.visible_to(request.user).published()
    if area:
        qs = qs.in_area(area)
    may_post = bool(area) and actions.can_run_workspace(request.user, area)
    form = forms.AnnouncementForm(request.POST or None) if may_post else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                actions.post_announcement(request.user, area_code=area, **form.cleaned_data)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("The announcement was posted."))
                return redirect(f"{reverse('oversight:announcements')}?area={area}")
    page = Paginator(qs.order_by("-pinned", "-published_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "oversight/announcements.html",
        {"page": page, "provinces": provinces, "area": area, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


# --- Plans and visits ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plans(request):
    year = request.GET.get("fy", "")
    year = int(year) if year.isdigit() else fiscal_year_of(timezone.localdate()).be
    qs = (
        InspectionPlan.objects.visible_to(request.user)
        .for_year(year)
        .prefetch_related("inspectors")
        .annotate(visit_count=Count("visits"))
        .order_by("planned_start", "area_code")
    )
    may_plan = actions.is_inspector_for(request.user, "") or any(
        actions.can_inspect(request.user, p.code) for p in _provinces(request.user)
    )
    form = forms.PlanForm(request.POST or None, user=request.user) if may_plan else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                actions.save_plan(request.user, **data)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("The plan was saved."))
                return redirect(f"{reverse('oversight:plans')}?fy={data['fiscal_year']}")
    names = {p.code: p.name for p in Province.objects.all()}
    rows = list(qs)
    for plan in rows:
        plan.province_name = names.get(plan.area_code[:2], plan.area_code)
    return render(
        request,
        "oversight/plans.html",
        {
            "plans": rows,
            "year": year,
            "form": form,
            "years": [fiscal_year(y) for y in (year - 1, year, year + 1)],
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def visits(request):
    qs = Visit.objects.visible_to(request.user).with_counts().order_by("-start_date", "-pk")
    area = request.GET.get("area", "")
    if area.isdigit() and len(area) == 2:
        qs = qs.in_area(area)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    names = {p.code: p.name for p in Province.objects.all()}
    for visit in page.object_list:
        visit.province_name = names.get(visit.area_code[:2], visit.area_code)
    return render(
        request,
        "oversight/visits.html",
        {
            "page": page,
            "may_create": any(
                actions.can_inspect(request.user, p.code) for p in _provinces(request.user)
            ),
        },
    )


def _visible_visit(request, pk: int) -> Visit:
    return get_object_or_404(Visit.objects.visible_to(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request, pk: int | None = None):
    """The visit form: works at 360 px, keeps a draft in the browser while the connection
    comes and goes (``oversight/draft.js``) and on the server (status "draft")."""
    visit = _visible_visit(request, pk) if pk else None
    provinces = _provinces(request.user)
    area = visit.area_code if visit else _chosen_area(request, provinces)
    if not area:
        return render(
            request, "oversight/choose_province.html", {"provinces": provinces, "what": "visit"}
        )
    allowed = (
        actions.can_edit_visit(request.user, visit)
        if visit
        else actions.can_inspect(request.user, area)
    )
    if not allowed:
        raise Http404
    initial = forms.VisitForm.initial_for(visit) if visit else {"inspectors": [request.user.pk]}
    form = forms.VisitForm(request.POST or None, area_code=area, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_visit(request.user, form.to_input(), visit)
            if request.POST.get("submit") == "1" and saved.is_draft:
                actions.submit_visit(request.user, saved)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            if saved.is_draft:
                messages.success(request, _("The draft was saved."))
            else:
                messages.success(request, _("The visit was saved."))
            url = reverse("oversight:visit", args=[saved.pk])
            return redirect(f"{url}?created=1" if visit is None else url)
    province = Province.objects.filter(code=area[:2]).first()
    return render(
        request,
        "oversight/visit_form.html",
        {
            "form": form,
            "visit": visit,
            "area": area,
            "province": province,
            "draft_key": f"visit-{visit.pk}" if visit else f"visit-new-{area}",
            "draft_version": visit.updated.isoformat() if visit else "new",
        },
        status=400 if form.errors else 200,
    )


@login_required
def visit(request, pk: int):
    item = _visible_visit(request, pk)
    return _render_visit(request, item)


def _render_visit(request, item: Visit, place_form=None, status=200):
    may_edit = actions.can_edit_visit(request.user, item)
    findings = list(
        item.findings.select_related(
            "place", "place__service_point", "place__agency", "place__producer_group"
        )
        .prefetch_related("photos")
        .prefetch_related(
            Prefetch("actions", queryset=FollowUpAction.objects.select_related("owner"))
        )
        .order_by("pk")
    )
    places = list(
        item.places.select_related("service_point", "agency", "producer_group").order_by(
            "visited_on", "pk"
        )
    )
    return render(
        request,
        "oversight/visit.html",
        {
            "visit": item,
            "province": Province.objects.filter(code=item.area_code[:2]).first(),
            "inspectors": list(item.inspectors.all()),
            "agencies_met": list(item.agencies_met.select_related("agency")),
            "places": places,
            "findings": findings,
            "other_actions": list(_actions_list(item.actions.filter(finding__isnull=True))),
            "meetings": list(item.meetings.all()),
            "may_edit": may_edit,
            "place_form": place_form or (forms.PlaceForm(visit=item) if may_edit else None),
        },
        status=status,
    )


@login_required
@require_POST
def visit_place(request, pk: int):
    item = _visible_visit(request, pk)
    form = forms.PlaceForm(request.POST, visit=item)
    if form.is_valid():
        try:
            actions.add_place(request.user, item, form.to_input())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            return redirect(f"{reverse('oversight:visit', args=[item.pk])}#places")
    return _render_visit(request, item, place_form=form, status=400)


@login_required
@require_POST
def visit_move(request, pk: int, move: str):
    item = _visible_visit(request, pk)
    try:
        if move == "submit":
            actions.submit_visit(request.user, item)
        else:
            actions.reopen_visit(request.user, item)
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("oversight:visit", item.pk)


@login_required
@require_http_methods(["GET", "POST"])
def finding_new(request, pk: int):
    item = _visible_visit(request, pk)
    if not actions.can_edit_visit(request.user, item):
        raise Http404
    initial = {}
    if request.GET.get("place", "").isdigit():
        initial["place"] = int(request.GET["place"])
    form = forms.FindingForm(
        request.POST or None, request.FILES or None, visit=item, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_finding(request.user, item, form.to_input())
        except DomainError as exc:
            add_to_form(form, exc, {"0-title": "action_title"})
        else:
            messages.success(request, _("The finding was recorded."))
            return redirect(f"{reverse('oversight:visit', args=[item.pk])}#findings")
    return render(
        request,
        "oversight/finding_form.html",
        {"form": form, "visit": item},
        status=400 if form.errors else 200,
    )


@login_required
def finding_photo(request, pk: int):
    """A finding's photo (private storage) for those who may see the finding; 404 otherwise."""
    photo = get_object_or_404(FindingPhoto.objects.visible_to(request.user), pk=pk)
    return private_file_response(photo.image)


# --- Follow-up actions --------------------------------------------------------------------------


@login_required
def action_list(request):
    qs = FollowUpAction.objects.visible_to(request.user)
    show = request.GET.get("show", "pending")
    if show == "overdue":
        qs = qs.overdue()
    elif show == "pending":
        qs = qs.pending()
    elif show in ActionStatus.values:
        qs = qs.filter(status=show)
    else:
        show = "all"
    if request.GET.get("mine") == "1":
        qs = qs.filter(owner_id__in=agency_ids(request.user))
    area = request.GET.get("area", "")
    if area.isdigit() and len(area) == 2:
        qs = qs.in_area(area)
    page = Paginator(_actions_list(qs), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "oversight/actions.html",
        {
            "page": page,
            "show": show,
            "mine": request.GET.get("mine") == "1",
            "statuses": ActionStatus.choices,
        },
    )


def _visible_action(request, pk: int) -> FollowUpAction:
    return get_object_or_404(
        FollowUpAction.objects.visible_to(request.user).select_related(
            "owner", "finding", "meeting", "visit", "verified_by"
        ),
        pk=pk,
    )


@login_required
def action(request, pk: int):
    return _render_action(request, _visible_action(request, pk))


def _render_action(request, item: FollowUpAction, update_form=None, move_form=None, status=200):
    may_update = actions.is_owner_officer(request.user, item)
    return render(
        request,
        "oversight/action.html",
        {
            "action": item,
            "events": list(item.events.select_related("actor")),
            "updates": list(
                item.updates.select_related("author")
                .prefetch_related("evidence")
                .order_by("-date", "-pk")
            ),
            "moves": actions.moves_for(request.user, item),
            "may_update": may_update and item.is_pending,
            "update_form": update_form or (forms.UpdateForm() if may_update else None),
            "move_form": move_form or forms.MoveForm(),
        },
        status=status,
    )


@login_required
@require_POST
def action_update(request, pk: int):
    item = _visible_action(request, pk)
    form = forms.UpdateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.add_update(
                request.user,
                item,
                text=form.cleaned_data["text"],
                date=form.cleaned_data["date"],
                files=form.to_files(),
                move=form.cleaned_data.get("move", ""),
            )
        except DomainError as exc:
            add_to_form(form, exc, {"note": "text"})
        else:
            messages.success(request, _("The update was recorded."))
            return redirect("oversight:action", item.pk)
    return _render_action(request, item, update_form=form, status=400)


@login_required
@require_POST
def action_move(request, pk: int, move: str):
    item = _visible_action(request, pk)
    form = forms.MoveForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            actions.move_action(request.user, item, move, form.cleaned_data.get("note", ""))
        except DomainError as exc:
            add_to_form(form, exc)
            status = exc.status
        else:
            messages.success(request, _("The action's status was changed."))
            return redirect("oversight:action", item.pk)
    return _render_action(request, item, move_form=form, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request, pk: int):
    """A follow-up action for a finding (besides the one the finding form may create)."""
    finding = get_object_or_404(
        Finding.objects.visible_to(request.user).select_related("visit"), pk=pk
    )
    if not actions.can_assign(request.user, finding.visit.area_code):
        raise Http404
    form = forms.ActionForm(request.POST or None, area_code=finding.visit.area_code)
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.assign_action(request.user, form.to_input(), finding=finding)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            return redirect("oversight:action", created.pk)
    return render(
        request,
        "oversight/action_form.html",
        {"form": form, "finding": finding},
        status=400 if form.errors else 200,
    )


@login_required
def evidence_file(request, pk: int):
    """An evidence file, for those who may see its action; 404 for everyone else."""
    visible = FollowUpAction.objects.visible_to(request.user).values("pk")
    item = get_object_or_404(ActionEvidence.objects.filter(update__action__in=visible), pk=pk)
    response = private_file_response(item.file, content_type=item.content_type)
    if not item.content_type.startswith("image/") and item.content_type != "application/pdf":
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(item.name)}"
    return response
