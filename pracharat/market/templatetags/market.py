"""Money and status display for the market's templates."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def baht(value) -> str:
    """``1250.5`` -> ``1,250.50`` (Thai writes baht with comma thousands and two satang
    places); exact: the Decimal is quantised, never passed through a float."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return f"{amount:,.2f}"


@register.filter
def thb(value) -> str:
    """``฿1,250.50`` for prices in running text."""
    shown = baht(value)
    return _("฿%(amount)s") % {"amount": shown} if shown else ""


@register.filter
def status_badge(status: str) -> str:
    """The badge class of an order status: ok, warn or bad."""
    return {
        "pending_payment": "warn",
        "payment_review": "warn",
        "paid": "ok",
        "shipped": "ok",
        "delivered": "ok",
        "cod": "ok",
        "cancelled": "bad",
        "expired": "bad",
    }.get(status, "")


@register.simple_tag(takes_context=True)
def cart_count(context) -> int:
    """Items in this browser's cart, for the header link (the session only, no query)."""
    from pracharat.market import cart

    request = context.get("request")
    return cart.count(request.session) if request is not None else 0


@register.simple_tag(takes_context=True)
def keeps_search_terms(context) -> bool:
    """Whether the signed-in person may open the search-terms page (officers, staff, group
    members), for the header link; anonymous visitors cost no query."""
    from pracharat.market import actions

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if not hasattr(request, "_market_keeps_terms"):
        request._market_keeps_terms = actions.may_keep_search_terms(user)
    return request._market_keeps_terms


@register.filter
def masked_promptpay(value: str) -> str:
    """A PromptPay ID as bank apps show it: ``xxx-xxx-5678`` for a mobile number,
    ``x-xxxx-xxxxx-12-3`` for a national / tax ID, the last 4 digits of an e-wallet ID."""
    from pracharat.market.lib import promptpay

    try:
        return promptpay.mask(value)
    except promptpay.PromptPayError:
        return ""


@register.filter
def grams(value) -> str:
    """``1500`` -> ``1,500``; the unit goes in the template."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return ""


@register.filter
def line_chat_url(line_id: str) -> str:
    """A link that opens a chat with this LINE ID in the LINE app (LINE URL scheme): an
    official account (``@name``) as ``https://line.me/R/ti/p/%40name`` (the at-sign
    percent-encoded, as LINE's docs ask), a personal ID as ``https://line.me/ti/p/~id``."""
    from urllib.parse import quote

    line_id = (line_id or "").strip()
    if not line_id:
        return ""
    if line_id.startswith("@"):
        return "https://line.me/R/ti/p/" + quote(line_id, safe="")
    return "https://line.me/ti/p/~" + quote(line_id, safe="")


@register.filter
def line_share_url(url: str) -> str:
    """LINE's share link for a page (LINE Social Plugins): a plain link, no script."""
    from urllib.parse import quote

    return "https://social-plugins.line.me/lineit/share?url=" + quote(url, safe="")


@register.filter
def stars(value) -> str:
    """``4`` -> ``★★★★☆`` (the number is said by the element's label for screen readers)."""
    try:
        n = max(0, min(5, round(float(value))))
    except (TypeError, ValueError):
        return ""
    return "★" * n + "☆" * (5 - n)


@register.simple_tag
def filter_field(bound) -> str:
    """A catalogue filter's label and control (``<select>`` or ``<input>``), the same markup
    as ``{{ field.label_tag }}{{ field }}`` but built here: Django's widget templates render
    one sub-template per ``<option>`` (the province list has dozens), ≈ 0.9 s of 1.3 s under
    the profiler for 20 catalogue pages (``python -m bench market_profile``)."""
    from django.forms import Select
    from django.forms.utils import flatatt

    widget = bound.field.widget
    attrs = bound.build_widget_attrs(dict(widget.attrs))
    if bound.auto_id:
        attrs["id"] = bound.auto_id
    if bound.errors:
        attrs["aria-invalid"] = "true"
    label = _label_tag(bound)
    if isinstance(widget, Select):
        chosen = "" if bound.value() is None else str(bound.value())
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, mark_safe(" selected") if str(v) == chosen else "", t) for v, t in widget.choices),
        )
        return format_html(
            '{}<select name="{}"{}>{}</select>', label, bound.html_name, flatatt(attrs), options
        )
    value = widget.format_value(bound.value())
    if value is not None:
        attrs["value"] = value
    return format_html(
        '{}<input type="{}" name="{}"{}>', label, widget.input_type, bound.html_name, flatatt(attrs)
    )


def _label_tag(bound) -> str:
    """``bound.label_tag()`` (``<label for="id_q">Search:</label>``) without rendering
    Django's label template: the catalogue asks for four per page."""
    contents = bound.label
    suffix = bound.field.label_suffix
    if suffix is None:
        suffix = bound.form.label_suffix
    if suffix and contents and contents[-1] not in _(":?.!"):
        contents = format_html("{}{}", contents, suffix)
    id_ = bound.field.widget.attrs.get("id") or bound.auto_id
    for_label = bound.field.widget.id_for_label(id_) if id_ else None
    if not id_:
        return conditional_escape(contents)
    if for_label:
        return format_html('<label for="{}">{}</label>', for_label, contents)
    return format_html("<label>{}</label>", contents)


@register.simple_tag
def product_card(p, show_village: bool = False) -> str:
    """One product card of a listing (``<li class="product">``), the markup of what was
    ``market/_card.html``, built in Python: the template version cost ~40 template nodes,
    3 ``{% url %}`` and 4 translations per card, ≈ 85 % of the catalogue page's server time
    (``python -m bench market_profile``). The card holds nothing of the visitor: the
    catalogue keeps it in the shared cache per language (``fragments.Parts.cards``)."""
    url = reverse("market:product", args=[p.pk])
    photo = p.first_photo
    if photo:
        picture = format_html(
            '<img src="{}" alt="{}" width="160" height="160" loading="lazy">',
            photo.thumbnail.url,
            photo.alt or p.title,
        )
    else:
        picture = format_html(
            '<span class="nophoto" role="img" aria-label="{}"></span>', _("No photo")
        )
    group = p.group
    village = (
        format_html(' <small class="muted">· {}</small>', group.village.name)
        if show_village
        else ""
    )
    sold_out = (
        format_html(' <span class="badge bad">{}</span>', _("Sold out")) if not p.stock else ""
    )
    return format_html(
        '<li class="product"><a href="{}">{}</a>\n<div><a class="t" href="{}">{}</a>\n'
        '<span class="price">{}</span> <span class="muted">/ {}</span><br>\n'
        '<a class="muted" href="{}">{}</a>{}{}</div></li>',
        url,
        picture,
        url,
        p.title,
        thb(p.price),
        p.unit,
        reverse("market:group", args=[group.code]),
        group.name,
        village,
        sold_out,
    )
