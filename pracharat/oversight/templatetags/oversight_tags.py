from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.html import format_html, format_html_join

from pracharat.oversight import worth

register = template.Library()
ONE, TENTH = Decimal(1), Decimal("0.1")

BADGES = {
    "open": "warn",
    "in_progress": "warn",
    "reopened": "warn",
    "done": "",
    "not_done": "bad",
    "verified": "ok",
    "draft": "warn",
    "submitted": "ok",
    "high": "bad",
    "medium": "warn",
    "low": "",
}


@register.filter
def status_badge(status: str) -> str:
    """The badge class of an action's or visit's status, or a finding's severity (the text
    beside it always says it too: colour is never the only sign)."""
    return BADGES.get(status, "")


@register.simple_tag
def worth_rows(rows, period) -> str:
    """The worth review table's rows (``<tr>`` …), the markup of the template loop they were,
    built here: 100 rows of ten cells were ~5,000 template nodes, a third of the province
    page's time at national size (``python -m bench worth_review``). Numbers are written as
    ``floatformat`` writes them (half up; grouped by the language's separator for the cost),
    labels looked up once per class."""
    dates = f"?start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}"
    # one reverse() for the page: a placeholder id, replaced by each row's
    point = reverse("oversight:worth_point", args=[2**62])
    decimal, thousand = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")
    labels: dict[tuple, str] = {}

    def label(fn, key):
        if (fn, key) not in labels:
            labels[fn, key] = fn(key) if key else ""
        return labels[fn, key]

    def one_place(value) -> str:
        return str(Decimal(repr(value)).quantize(TENTH, ROUND_HALF_UP)).replace(".", decimal)

    def plain(value) -> str:
        return "–" if value is None else str(value).replace(".", decimal)

    def cells(r):
        code = (
            format_html('<a href="{}{}">{}</a>', point.replace(str(2**62), str(r.pk)), dates,
                        r.code)
            if r.kind == "point"
            else r.code
        )  # fmt: skip
        cost = f"{r.cost.quantize(ONE, ROUND_HALF_UP):,}".replace(",", thousand)
        return (
            r.klass, code, r.name, r.klass, label(worth.class_label, r.klass),
            label(worth.recommendation_label, r.recommendation), cost,
            one_place(r.daily_users), one_place(r.active_share), plain(r.uptime),
            plain(r.cost_per_user_day), r.learners,
        )  # fmt: skip

    return format_html_join(
        "",
        '<tr data-class="{}"><td>{}</td><td>{}</td><td><span class="worth-class {}">{}</span>'
        '</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
        (cells(r) for r in rows),
    )
