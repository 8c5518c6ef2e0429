"""Pages of reports, news and dashboards (the rest of oversight's pages are in views.py).

Views parse, call and render: figures come from ``dashboards`` and ``reports``, news writes
go through ``news``, files through ``core.tables`` and ``core.pdf``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from pracharat.core import charts, tables
from pracharat.core.errors import DomainError, add_to_form
from pracharat.core.pdf import pdf_response, render_pdf
from pracharat.geo.models import Province
from pracharat.oversight import dashboards, forms_reports, news, reports
from pracharat.oversight.models import NewsPost, Visit
from pracharat.oversight.templatetags.oversight_reports import figure

# --- Dashboards --------------------------------------------------------------------------------


def _agency_chart(rows: list[dict]):
    if not rows:
        return ""
    top = rows[:12]
    return charts.bar_chart(
        [r["open"] for r in top],
        [r["short"] for r in top],
        tips=[r["name"] for r in top],
        title=_("Open follow-up actions by owner agency"),
    )


def _national_chart(table: dashboards.NationalTable, column_id: str):
    column = table.column(column_id)
    rows = [r for r in table.sorted_by(column_id) if r["values"].get(column_id) is not None][:15]
    if column is None or not rows:
        return ""
    return charts.bar_chart(
        [float(r["values"][column_id]) for r in rows],
        [str(i + 1) for i in range(len(rows))],
        tips=[r["province"].name for r in rows],
        title=_("%(figure)s: the 15 highest provinces") % {"figure": column.label},
        tip_fmt=lambda v, unit=column.unit: figure(v, unit),
    )


def numbers_table(board: dashboards.AreaDashboard) -> tables.Table:
    return tables.Table(
        [
            tables.Column("pillar", _("Pillar"), value=lambda r: r[0]),
            tables.Column("key", _("Key"), value=lambda r: r[1].key),
            tables.Column("label", _("Figure"), value=lambda r: str(r[1].label)),
            tables.Column("value", _("Value"), value=lambda r: r[1].value),
            tables.Column("unit", _("Unit"), value=lambda r: r[1].unit),
        ]
    )


def _number_rows(board):
    return [(p.pillar, n) for p in board.pillars for n in p.numbers]


def dashboard(request, code: str = "", fmt: str = ""):
    board = dashboards.area_dashboard(code, dashboards.fiscal_year_from(request))
    stem = f"dashboard-{board.code or 'th'}-{board.year.be}"
    if fmt:
        return tables.export_response(
            numbers_table(board), _number_rows(board), stem, fmt, title=str(board.year.be)
        )
    return render(
        request,
        "oversight/dashboard.html",
        {
            "board": board,
            "years": dashboards.recent_fiscal_years(),
            "agency_chart": _agency_chart(board.by_agency),
        },
    )


def national_table_file(table: dashboards.NationalTable) -> tables.Table:
    columns = [
        tables.Column("province_code", _("Province code"), value=lambda r: r["province"].code),
        tables.Column("province", _("Province"), value=lambda r: r["province"].name),
    ]
    for c in table.columns:
        columns.append(
            tables.Column(
                c.id,
                f"{dashboards.pillar_label(c.pillar)}: {c.label}",
                value=lambda r, cid=c.id: r["values"].get(cid),
            )
        )
    return tables.Table(columns)


def national(request, fmt: str = ""):
    table = dashboards.national_table(dashboards.fiscal_year_from(request))
    sort = request.GET.get("sort", "")
    if fmt:
        return tables.export_response(
            national_table_file(table),
            table.sorted_by(sort),
            f"dashboard-provinces-{table.year.be}",
            fmt,
            title=str(table.year.be),
        )
    chart_column = sort if table.column(sort) else "network.online_share"
    groups = []
    for c in table.shown_columns():
        if not groups or groups[-1][0] != c.pillar:
            groups.append((c.pillar, dashboards.pillar_label(c.pillar), []))
        groups[-1][2].append(c)
    return render(
        request,
        "oversight/dashboard_national.html",
        {
            "table": table,
            "rows": table.sorted_by(sort),
            "sort": sort if table.column(sort) else "",
            "groups": groups,
            "columns": table.shown_columns(),
            "years": dashboards.recent_fiscal_years(),
            "chart": _national_chart(table, chart_column),
            "chart_column": table.column(chart_column),
        },
    )


# --- Reports -----------------------------------------------------------------------------------


@login_required
def visit_report_pdf(request, pk: int):
    """The visit's report as an A4 Thai memo, for whoever sees the visit."""
    visit = get_object_or_404(Visit.objects.visible_to(request.user), pk=pk)
    report = reports.visit_report(visit)
    pdf = render_pdf("oversight/pdf/visit_report.html", {"report": report}, request)
    return pdf_response(pdf, f"visit-report-{visit.pk}.pdf")


def province_report_table() -> tables.Table:
    return tables.Table(
        [
            tables.Column("id", _("No."), value="pk"),
            tables.Column("title", _("What is to be done"), value="title"),
            tables.Column("owner", _("Owner agency"), value=lambda a: a.owner.name),
            tables.Column("due_date", pgettext("action", "Due"), value="due_date"),
            tables.Column("status", _("Status"), value=lambda a: a.get_status_display()),
            tables.Column(
                "overdue", _("Overdue"), value=lambda a: _("overdue") if a.is_overdue else ""
            ),
            tables.Column(
                "visit",
                _("Visit"),
                value=lambda a: str(a.visit or (a.finding.visit if a.finding else "") or ""),
            ),
        ]
    )


@login_required
def province_report(request, code: str, be: str, fmt: str = ""):
    """A province's fiscal year: visits, findings by category, actions by status and agency,
    the overdue ones; as a page, a PDF, or its actions as CSV/XLSX."""
    province = get_object_or_404(Province, code=code)
    be = int(be)
    if not 2560 <= be <= 2643:
        raise Http404
    if not reports.may_see_province(request.user, code):
        raise PermissionDenied
    report = reports.province_report(request.user, province, be)
    stem = f"province-report-{code}-{be}"
    if fmt == "pdf":
        pdf = render_pdf("oversight/pdf/province_report.html", {"report": report}, request)
        return pdf_response(pdf, f"{stem}.pdf")
    if fmt:
        return tables.export_response(
            province_report_table(), report.actions, stem, fmt, title=str(be)
        )
    return render(
        request,
        "oversight/province_report.html",
        {
            "report": report,
            "years": dashboards.recent_fiscal_years(),
            "category_chart": charts.bar_chart(
                [n for _k, _l, n in report.findings_by_category],
                [label for _k, label, _n in report.findings_by_category],
                title=_("Findings by category"),
                fmt=str,
            ),
            "status_chart": charts.bar_chart(
                [n for _k, _l, n in report.by_status],
                [label for _k, label, _n in report.by_status],
                title=_("Follow-up actions by status"),
                fmt=str,
            ),
        },
    )


# --- News --------------------------------------------------------------------------------------

NEWS_PAGE_SIZE = 20


def news_index(request, code: str = ""):
    """Published posts, newest first: the country's, or one province's."""
    province = get_object_or_404(Province, code=code) if code else None
    posts = NewsPost.objects.published().order_by("-published_at", "-pk")
    if province:
        posts = posts.filter(area_code=code)
    page = Paginator(posts.prefetch_related("photos"), NEWS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    codes = {post.area_code for post in page}
    names = {p.code: p.name for p in Province.objects.filter(code__in=codes)}
    return render(
        request,
        "oversight/news_list.html",
        {"province": province, "page": page, "names": names},
    )


def news_detail(request, pk: int, slug: str):
    post = get_object_or_404(
        NewsPost.objects.visible_to(request.user).prefetch_related("photos"), pk=pk
    )
    if slug != post.slug:
        return redirect("oversight:news_detail", post.pk, post.slug, permanent=True)
    province = Province.objects.filter(code=post.area_code).first()
    return render(
        request,
        "oversight/news_detail.html",
        {
            "post": post,
            "province": province,
            "may_edit": post.visit_id and news.may_write_news(request.user, post.area_code),
        },
    )


@login_required
def news_edit(request, visit_pk: int):
    """The inspectors' editor of a visit's news post: a draft until published."""
    visit = get_object_or_404(Visit.objects.visible_to(request.user), pk=visit_pk)
    if not news.may_write_news(request.user, visit.area_code):
        raise PermissionDenied
    post = NewsPost.objects.filter(visit=visit).order_by("pk").first()
    photos = list(news.publishable_photos(visit))
    if request.method == "POST":
        form = forms_reports.NewsPostForm(request.POST, photos=photos)
        if form.is_valid():
            data = form.cleaned_data
            try:
                post = news.save_post(
                    visit,
                    actor=request.user,
                    title=data["title"],
                    body=data["body"],
                    photo_ids=data["photos"],
                    post=post,
                )
                if data["publish"] and not post.is_published:
                    news.publish(post, actor=request.user)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("The news post is saved."))
                return redirect("oversight:news_detail", post.pk, post.slug)
    else:
        initial = {}
        if post:
            initial = {
                "title": post.title,
                "body": post.body,
                "photos": [p.source_id for p in post.photos.all() if p.source_id],
            }
        form = forms_reports.NewsPostForm(initial=initial, photos=photos)
    return render(
        request,
        "oversight/news_edit.html",
        {"form": form, "visit": visit, "post": post, "photos": photos},
    )


@login_required
@require_POST
def news_publish(request, pk: int):
    post = get_object_or_404(NewsPost.objects.visible_to(request.user), pk=pk)
    if request.POST.get("withdraw"):
        news.withdraw(post, actor=request.user)
        messages.success(request, _("The post is a draft again."))
    else:
        news.publish(post, actor=request.user)
        messages.success(request, _("The post is published."))
    return redirect("oversight:news_detail", post.pk, post.slug)
