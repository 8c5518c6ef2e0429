from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join

register = template.Library()

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
    page's time at national size (``python -m bench worth_review``)."""
    dates = f"?start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}"

    def dash(value):
        return "–" if value is None else localize(value)

    def cells(r):
        code = (
            format_html('<a href="{}{}">{}</a>', reverse("oversight:worth_point", args=[r.pk]),
                        dates, r.code)
            if r.kind == "point"
            else r.code
        )  # fmt: skip
        return (
            r.klass, code, r.name, r.klass, r.class_name, r.recommendation_name,
            floatformat(r.cost, "0g"), floatformat(r.daily_users, 1),
            floatformat(r.active_share, 1), dash(r.uptime), dash(r.cost_per_user_day),
            r.learners,
        )  # fmt: skip

    return format_html_join(
        "",
        '<tr data-class="{}"><td>{}</td><td>{}</td><td><span class="worth-class {}">{}</span>'
        '</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
        (cells(r) for r in rows),
    )
