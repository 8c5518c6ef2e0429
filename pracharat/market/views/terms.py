"""The search terms page: provincial officers, staff and producer groups' members list, add,
change and remove the synonym and broader-term entries the search reads (``SearchSynonym``):
a member only their own groups' entries, an officer their provinces' (the scope is
``SearchSynonym.objects.kept_by``); a change shows in every worker's results at once
(``actions.add_search_terms`` / ``change_search_terms`` / ``remove_search_terms``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pracharat.core.collation import by_name
from pracharat.core.errors import DomainError, add_to_form
from pracharat.geo.models import Province
from pracharat.market import actions
from pracharat.market.forms import SearchTermsForm
from pracharat.market.models import ProducerGroup, SearchSynonym


def _refuse():
    return PermissionDenied(
        _("Only provincial officers, staff and producer groups may change the search terms.")
    )


def _require_officer(request) -> None:
    if not actions.may_keep_search_terms(request.user):
        raise _refuse()


def _terms_form(request):
    """The add form, for who may keep search terms (refused otherwise, as ``_require_officer``
    refuses, from the same two facts read once): staff and provincial officers add entries for
    no group, or for one of their own groups when they are members too; a member who is no
    officer only for their groups."""
    officer = actions.may_keep_any_search_terms(request.user)
    groups = ProducerGroup.objects.managed_by(request.user).order_by(*by_name())
    member = not request.user.is_superuser and groups.exists()  # a superuser "manages" all
    if not (officer or member):
        raise _refuse()
    if not member:
        return SearchTermsForm(request.POST or None)
    return SearchTermsForm(request.POST or None, groups=groups, group_required=not officer)


@login_required
@require_http_methods(["GET", "POST"])
def search_terms(request):
    form = _terms_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            entry = actions.add_search_terms(
                form.cleaned_data["names"],
                form.cleaned_data["kinds"],
                actor=request.user,
                group=form.cleaned_data.get("group"),
            )
        except (DomainError, ValidationError) as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Added: %(names)s.") % {"names": entry.names})
            return redirect("market:search_terms")
    entries = SearchSynonym.objects.select_related("group").order_by("-updated", "-pk")
    removable = set(SearchSynonym.objects.kept_by(request.user).values_list("pk", flat=True))
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    codes = {entry.area_code[:2] for entry in page if entry.area_code}
    provinces = {p.code: p.name for p in Province.objects.filter(code__in=codes)}
    for entry in page:  # the province the officer's area lies in
        entry.kept_for = provinces.get(entry.area_code[:2], entry.area_code)
        entry.removable = entry.pk in removable
    return render(
        request,
        "market/search_terms.html",
        {"form": form, "page": page},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def search_terms_remove(request, pk: int):
    _require_officer(request)
    entry = get_object_or_404(SearchSynonym.objects.kept_by(request.user), pk=pk)
    actions.remove_search_terms(entry, actor=request.user)
    messages.success(request, _("Removed: %(names)s.") % {"names": entry.names})
    return redirect("market:search_terms")


@login_required
@require_http_methods(["GET", "POST"])
def search_terms_edit(request, pk: int):
    """Change one entry's names and kinds (within the person's scope: another group's or
    province's entry is a 404)."""
    _require_officer(request)
    entry = get_object_or_404(SearchSynonym.objects.kept_by(request.user), pk=pk)
    initial = {"names": entry.names, "kinds": entry.kinds}
    form = SearchTermsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_search_terms(
                entry, form.cleaned_data["names"], form.cleaned_data["kinds"], actor=request.user
            )
        except (DomainError, ValidationError) as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Saved: %(names)s.") % {"names": entry.names})
            return redirect("market:search_terms")
    return render(
        request,
        "market/search_terms_edit.html",
        {"form": form, "entry": entry},
        status=400 if form.errors else 200,
    )
