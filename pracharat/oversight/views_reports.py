"""Pages of reports, news and dashboards (the rest of oversight's pages are in views.py).

Views parse, call and render: figures come from ``dashboards`` and ``reports``, news writes
go through ``news``, files through ``core.tables`` and ``core.pdf``.
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from pracharat.core import charts, tables
from pracharat.oversight import dashboards
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
