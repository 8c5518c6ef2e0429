"""The lawful-request search page (``network.lawful``): for holders of the role only; the
identifier is posted, never put in a URL (it would land in access logs)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from pracharat.core.errors import DomainError, add_to_form
from pracharat.network import lawful
from pracharat.network.forms import LawfulSearchForm


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def lawful_search(request):
    if not lawful.may_search(request.user):
        raise PermissionDenied
    found = None
    form = LawfulSearchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            found = lawful.search(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
    recent = lawful.searches().filter(actor=request.user)[:10]
    return render(
        request,
        "network/lawful_search.html",
        {"form": form, "found": found, "recent": recent, "limit": lawful.LIMIT},
    )
