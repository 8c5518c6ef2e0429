"""Pages of the volunteers pillar: the public list and profiles, a volunteer's own page and
activity form (phone-sized, no JavaScript needed), and the officers' registry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from pracharat.core.errors import DomainError, NotAllowed, add_to_form
from pracharat.core.storage import private_file_response
from pracharat.network.models import Incident
from pracharat.volunteers import actions
from pracharat.volunteers.forms import ActivityForm, RegisterForm, VolunteerForm
from pracharat.volunteers.models import (
    ActivityKind,
    Volunteer,
    VolunteerActivity,
    VolunteerVillage,
)
from pracharat.volunteers.querysets import overseen_codes

PAGE_SIZE = 50


def _with_villages(qs):
    return qs.prefetch_related(
        Prefetch(
            "postings",
            queryset=VolunteerVillage.objects.select_related("village").order_by("pk"),
        )
    )


def _kind_rows(counts: dict) -> list[dict]:
    return [
        {"kind": kind, "label": label, **counts.get(kind, {"n": 0, "helped": 0})}
        for kind, label in ActivityKind.choices
    ]


def index(request):
    """Officers: the volunteers of their area. Everyone: the active volunteers' public names."""
    user = request.user
    overseer = user.is_authenticated and overseen_codes(user) != []
    query = (request.GET.get("q") or "").strip()[:100]
    qs = Volunteer.objects.visible_to(user) if overseer else Volunteer.objects.public()
    if query:
        match = Q(display_name__icontains=query) | Q(area_code__startswith=query)
        if overseer:
            match |= Q(user__full_name__icontains=query)
        qs = qs.filter(match)
    qs = _with_villages(qs.select_related("user").with_counts()).order_by("area_code", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/index.html",
        {
            "page": page,
            "overseer": overseer,
            "q": query,
            "may_register": actions.may_register(user),
            "own": actions.volunteer_of(user),
        },
    )


def profile(request, pk: int):
    """The public profile: public name, villages, since when and counts; nothing personal."""
    volunteer = get_object_or_404(
        _with_villages(Volunteer.objects.public().select_related("user")), pk=pk
    )
    activities = volunteer.activities.all()
    return render(
        request,
        "volunteers/profile.html",
        {
            "volunteer": volunteer,
            "kinds": _kind_rows(activities.by_kind()),
            "totals": activities.totals(),
        },
    )


def _record_context(volunteer: Volunteer, user, page_number) -> dict:
    activities = volunteer.activities.select_related(
        "village", "service_point", "incident", "cohort__course"
    )
    codes = [p.village_id for p in volunteer.postings.all()]
    incidents = (
        Incident.objects.visible_to(user)
        .filter(area_code__in=codes)
        .select_related("service_point")
        .order_by("-opened_at")
    )
    followed = set(incidents.followed_by(user).values_list("pk", flat=True))
    return {
        "volunteer": volunteer,
        "kinds": _kind_rows(volunteer.activities.by_kind()),
        "totals": volunteer.activities.totals(),
        "page": Paginator(activities, PAGE_SIZE).get_page(page_number),
        "incidents": list(incidents[:10]),
        "followed": followed,
    }


@login_required
def me(request):
    volunteer = actions.volunteer_of(request.user)
    if volunteer is None:
        raise Http404(_("You are not registered as a volunteer."))
    volunteer = (
        _with_villages(Volunteer.objects.filter(pk=volunteer.pk)).select_related("user").get()
    )
    context = _record_context(volunteer, request.user, request.GET.get("page"))
    return render(request, "volunteers/me.html", {**context, "is_own": True})


@login_required
def record(request):
    volunteer = actions.volunteer_of(request.user)
    if volunteer is None or not volunteer.is_active:
        raise PermissionDenied(_("Only an active volunteer records activities."))
    form = ActivityForm(request.POST or None, request.FILES or None, volunteer=volunteer)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_activity(request.user, form.to_input())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Activity recorded. Thank you!"))
            return redirect("volunteers:me")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "volunteers/record.html", {"form": form, "activity": None}, status=status
    )


def _own_activity(request, pk: int) -> VolunteerActivity:
    activity = get_object_or_404(
        VolunteerActivity.objects.visible_to(request.user).select_related("volunteer"), pk=pk
    )
    if not actions.can_edit_activity(request.user, activity):
        raise PermissionDenied(_("Only its volunteer may change this activity."))
    return activity


@login_required
def activity_edit(request, pk: int):
    activity = _own_activity(request, pk)
    form = ActivityForm(
        request.POST or None, request.FILES or None, volunteer=activity.volunteer, activity=activity
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_activity(request.user, activity, form.to_input())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Activity saved."))
            return redirect("volunteers:me")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "volunteers/record.html", {"form": form, "activity": activity}, status=status
    )


@login_required
@require_POST
def activity_delete(request, pk: int):
    activity = _own_activity(request, pk)
    actions.delete_activity(request.user, activity)
    messages.success(request, _("Activity deleted."))
    return redirect("volunteers:me")


@require_safe
def activity_photo(request, pk: int):
    """An activity's photo for its volunteer and the area's officers; 404 for anyone else."""
    activity = get_object_or_404(
        VolunteerActivity.objects.visible_to(request.user).exclude(photo=""), pk=pk
    )
    return private_file_response(activity.photo)


@login_required
def activities(request):
    """The activity log of the officer's area, newest first."""
    if overseen_codes(request.user) == []:
        raise PermissionDenied(_("Only the area's officers see the activity log."))
    qs = VolunteerActivity.objects.visible_to(request.user).select_related(
        "volunteer__user", "village", "service_point"
    )
    kind = request.GET.get("kind", "")
    if kind in ActivityKind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/activities.html",
        {"page": page, "kind": kind, "kinds": ActivityKind.choices},
    )


# --- The registry (officers) ------------------------------------------------------------------


@login_required
def register(request):
    if not actions.may_register(request.user):
        raise PermissionDenied(_("Only the province's officers register volunteers."))
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = actions.register_person(request.user, **form.person(), data=form.to_input())
        except NotAllowed as exc:
            add_to_form(form, exc)
        except DomainError as exc:
            add_to_form(form, exc, {"login": "phone"})
        else:
            messages.success(request, _("Volunteer registered."))
            return redirect("volunteers:volunteer", pk=volunteer.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "volunteers/register.html", {"form": form}, status=status)


def _visible_volunteer(request, pk: int) -> Volunteer:
    return get_object_or_404(
        _with_villages(Volunteer.objects.visible_to(request.user).select_related("user")), pk=pk
    )


@login_required
def volunteer(request, pk: int):
    """An officer's view of one volunteer: the record, the log and the registry form."""
    item = _visible_volunteer(request, pk)
    if item.user_id == request.user.pk and not actions.can_manage(request.user, item):
        return redirect("volunteers:me")
    may_manage = actions.can_manage(request.user, item)
    form = VolunteerForm(request.POST or None, volunteer=item) if may_manage else None
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(_("You may not manage this volunteer."))
        if form.is_valid():
            try:
                actions.update_volunteer(request.user, item, form.to_input())
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("Volunteer saved."))
                return redirect("volunteers:volunteer", pk=item.pk)
    context = _record_context(item, request.user, request.GET.get("page"))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "volunteers/volunteer.html",
        {**context, "form": form, "may_manage": may_manage,
         "moves": actions.VOLUNTEERS.allowed(item) if may_manage else {}},
        status=status,
    )  # fmt: skip


@login_required
@require_POST
def volunteer_status(request, pk: int, action: str):
    item = _visible_volunteer(request, pk)
    try:
        actions.set_status(request.user, item, action)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Status changed."))
    return redirect("volunteers:volunteer", pk=item.pk)
