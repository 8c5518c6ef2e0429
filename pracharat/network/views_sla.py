"""The monthly SLA report of a province's providers: a page, CSV/XLSX and a Thai PDF
(``sla.monthly_report`` computes it)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from pracharat.accounts.models import Role
from pracharat.accounts.scoping import area_codes_for
from pracharat.core import tables
from pracharat.core.lib import thaidate
from pracharat.core.pdf import pdf_response, render_pdf
from pracharat.geo.models import Province
from pracharat.network import sla
from pracharat.network.models import Incident


def _month(text: str) -> dt.date:
    try:
        month = dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError as exc:
        raise Http404 from exc
    if not 2000 <= month.year <= 2100:
        raise Http404
    return month


@login_required
@require_safe
def sla_index(request):
    """To the last full month of the officer's province (or the province asked for)."""
    last_month = thaidate.month_start(timezone.localdate(), 1)
    code = request.GET.get("province", "")
    if not (len(code) == 2 and code.isdigit()):
        codes = area_codes_for(request.user, roles=sla.SLA_AREA_ROLES | {Role.AGENCY_OFFICER})
        code = next((c[:2] for c in codes or [] if len(c) >= 2), "")
    if not code:
        visible = Incident.objects.visible_to(request.user).order_by("area_code")
        first = visible.values_list("area_code", flat=True).first()
        code = (first or "65")[:2]
    return redirect("network:sla_report", code=code, month=f"{last_month:%Y-%m}")


@login_required
@require_safe
def sla_report(request, code: str, month: str, fmt: str = ""):
    province = get_object_or_404(Province, code=code)
    report = sla.monthly_report(request.user, province, _month(month))
    stem = f"sla-{code}-{report.month:%Y-%m}"
    if fmt == "pdf":
        return pdf_response(
            render_pdf("network/pdf/sla_report.html", {"report": report}, request), f"{stem}.pdf"
        )
    if fmt:
        rows = [*report.rows, report.total]
        return tables.export_response(sla.report_table(), rows, stem, fmt, title=f"{month}")
    previous = thaidate.month_start(report.month, 1)
    following = thaidate.next_month(report.month)
    return render(
        request,
        "network/sla_report.html",
        {
            "report": report,
            "previous": f"{previous:%Y-%m}",
            "following": f"{following:%Y-%m}" if following <= timezone.localdate() else "",
            "month_key": f"{report.month:%Y-%m}",
            "provinces": Province.objects.order_by("code").only("code", "name_th", "name_en"),
        },
    )
