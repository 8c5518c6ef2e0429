from django import template

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
