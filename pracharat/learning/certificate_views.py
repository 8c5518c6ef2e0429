"""Pages of the certificates and the indicators (``certificate_urls.py``).

Public: the verification page of a code (name, course, date, issuer; "revoked" with its
date and reason), the form to type a code, the certificate's PDF and its Open Badges
credential (``.jwt``, and a JSON view of what it says) — whoever holds the code holds what
the paper shows. The indicators per area and fiscal year, with CSV/XLSX.

Staff (who see the class's learners): a class's certificates, issuing and revoking.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from pracharat.core import charts, i18n, tables
from pracharat.core.collation import by_name
from pracharat.core.errors import DomainError, add_to_form
from pracharat.core.lib import thaidate
from pracharat.core.lib.area import BadAreaCode, clean
from pracharat.core.numbers import Period
from pracharat.core.pdf import pdf_response
from pracharat.learning import badges, certificates, indicators
from pracharat.learning.models import Certificate, Cohort


class LookupForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


def _public_certificate(code: str) -> Certificate:
    return get_object_or_404(Certificate.objects.select_related("issuer"), code=code)


@require_safe
def lookup(request):
    form = LookupForm(request.GET or None)
    if form.is_valid():
        code = certificates.normalise_code(form.cleaned_data["code"])
        if Certificate.objects.filter(code=code).exists():
            return redirect("learning:certificate", code=code)
        form.add_error("code", _("No certificate has this code. Check it against the paper."))
    return render(request, "learning/certificate_lookup.html", {"form": form})


@require_safe
def certificate(request, code: str):
    cert = _public_certificate(code)
    return render(
        request,
        "learning/certificate.html",
        {
            "certificate": cert,
            "reason": certificates.revoked_reason_label(cert),
            "may_manage": request.user.is_authenticated
            and certificates.may_manage(cert.enrolment.cohort, request.user),
            "form": LookupForm(),
        },
    )


def _downloadable(code: str) -> Certificate:
    """A certificate one may still download: not revoked (a revoked one's page says why)."""
    cert = _public_certificate(code)
    if cert.is_revoked or not cert.credential:
        raise Http404
    return cert


@require_safe
def certificate_pdf(request, code: str):
    cert = _downloadable(code)
    return pdf_response(certificates.pdf(cert, request), f"certificate-{cert.code}.pdf")


@require_safe
def credential_jwt(request, code: str):
    cert = _downloadable(code)
    response = HttpResponse(cert.credential, content_type="application/jwt")
    response["Content-Disposition"] = f'attachment; filename="certificate-{cert.code}.jwt"'
    return response


@require_safe
def credential_json(request, code: str):
    """What the signed credential says (its payload, decoded; the signature is in the
    ``.jwt``), for people and programs that want to read it."""
    cert = _downloadable(code)
    payload = badges.verify(cert.credential, _jwks())
    body = json.dumps(payload, ensure_ascii=False, indent=2)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def _jwks() -> dict:
    from pracharat.core import keys

    return keys.jwks()


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for revoking"), max_length=1000, widget=forms.Textarea
    )


@login_required
def class_certificates(request, pk: int):
    """A class's certificates for its staff: who completed, issue, revoke."""
    cohort = get_object_or_404(
        Cohort.objects.with_learners_for(request.user).select_related("course"), pk=pk
    )
    if request.method == "POST":
        try:
            issued = certificates.issue_certificates(cohort, actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(n)d certificates issued.") % {"n": len(issued)}
                if issued
                else _("Nobody new has completed the class."),
            )
        return redirect("learning:class_certificates", pk=cohort.pk)
    issued = list(
        Certificate.objects.filter(enrolment__cohort=cohort).order_by("holder_name", "pk")
    )
    pending, sessions = certificates.completing(cohort)
    return render(
        request,
        "learning/class_certificates.html",
        {
            "cohort": cohort,
            "issued": issued,
            "pending": pending,
            "sessions": sessions,
            "issuable": cohort.status in certificates.ISSUABLE,
        },
    )


@login_required
@require_POST
def revoke(request, code: str):
    cert = get_object_or_404(Certificate.objects.visible_to(request.user), code=code)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            certificates.revoke_certificate(cert, form.cleaned_data["reason"], actor=request.user)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The certificate is revoked."))
            return redirect("learning:certificate", code=cert.code)
    for error in form.errors.get("reason", []) + form.non_field_errors():
        messages.error(request, error)
    return redirect("learning:certificate", code=cert.code)


# --- Indicators ------------------------------------------------------------------------------


def _place(code: str):
    from pracharat.geo.models import District, Province, SubDistrict, Village

    if not code:
        return None
    model = {2: Province, 4: District, 6: SubDistrict, 8: Village}[len(code)]
    return get_object_or_404(model, code=code)


def _children_places(code: str, place) -> dict:
    from pracharat.geo.models import Province

    if not code:
        qs = Province.objects.all()
    elif len(code) == 2:
        qs = place.districts.all()
    elif len(code) == 4:
        qs = place.subdistricts.all()
    elif len(code) == 6:
        qs = place.villages.all()
    else:
        return {}
    return {p.code: p for p in qs.order_by(*by_name())}


def _year(request) -> int:
    current = thaidate.fiscal_year_of(timezone.localdate()).be
    try:
        year = int(request.GET.get("year", current))
    except ValueError:
        return current
    return year if 2560 <= year <= current + 1 else current


def _area(code: str) -> str:
    try:
        return clean(code)
    except BadAreaCode as exc:
        raise Http404 from exc


@require_safe
def indicators_page(request, code: str = ""):
    code = _area(code)
    place = _place(code)
    year = _year(request)
    period = Period.fiscal_year(year)
    data = indicators.page(code, period)
    numbers = data["numbers"]
    occupations = [n for k, n in numbers.items() if k.startswith("learners_") and "_age_" not in k]
    ages = [n for k, n in numbers.items() if k.startswith("learners_age_")]
    places = _children_places(code, place)
    rows = data["children"]
    for row in rows:
        row.place = places.get(row.code)
    month_chart = charts.bar_chart(
        [n for _m, n in data["months"]],
        [i18n.month_label(m, short=True) for m, _n in data["months"]],
        tips=[i18n.month_label(m) for m, _n in data["months"]],
        title=_("Sessions per month"),
    )
    occupation_chart = charts.bar_chart(
        [n.value for n in occupations],
        [n.label.split(": ", 1)[-1] for n in occupations],
        title=_("Learners by occupation"),
    )
    age_chart = charts.bar_chart(
        [n.value for n in ages],
        [str(a.label) for a in _age_labels()],
        title=_("Learners by age group"),
    )
    current = thaidate.fiscal_year_of(timezone.localdate()).be
    return render(
        request,
        "learning/indicators.html",
        {
            "code": code,
            "place": place,
            "year": year,
            "fiscal_year": thaidate.fiscal_year(year),
            "years": list(range(current, 2565, -1)),
            "numbers": numbers,
            "headline": [numbers[k] for k in ("centres", "classes", "sessions", "learners")]
            + [numbers["certificates"]],
            "occupations": occupations,
            "ages": ages,
            "volunteers": data["volunteers"],
            "children": [r for r in rows if r.place is not None],
            "wifi": data["wifi"],
            "month_chart": month_chart,
            "occupation_chart": occupation_chart,
            "age_chart": age_chart,
        },
    )


def _age_labels():
    from pracharat.learning.models import AgeGroup

    return [AgeGroup(v) for v, _label in AgeGroup.choices]


INDICATOR_COLUMNS = [
    tables.Column("key", gettext_lazy("Indicator key")),
    tables.Column("label", gettext_lazy("Indicator")),
    tables.Column("value", gettext_lazy("Value")),
]


@require_safe
def indicators_export(request, fmt: str, code: str = ""):
    """The page's figures (the pillar's numbers, then the volunteers' ones) as CSV or XLSX."""
    code = _area(code)
    _place(code)
    year = _year(request)
    period = Period.fiscal_year(year)
    from pracharat.learning import numbers

    figures = numbers.area_numbers(code, period) + indicators.volunteer_numbers(code, period)
    rows = [{"key": n.key, "label": n.label, "value": n.value} for n in figures]
    stem = f"learning-indicators-{code or 'TH'}-{year}"
    return tables.export_response(tables.Table(INDICATOR_COLUMNS), rows, stem, fmt, title=stem)
