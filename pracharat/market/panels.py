"""The market's section of the province / district / sub-district / village pages: the
producer groups located there and a few of their products on sale."""

from __future__ import annotations

from django.db.models import Count, Q
from django.template.loader import render_to_string

from pracharat.core.collation import by_name
from pracharat.market.models import ProducerGroup, Product

#: How many products the panel shows (thumbnails are lazy-loaded and light).
PANEL_PRODUCTS = 6
PANEL_GROUPS = 20


def area_panel(request, code: str) -> str:
    """Rendered HTML, or "" when no active group sells from the area (nothing to show)."""
    groups = (
        ProducerGroup.objects.active()
        .in_area(code)
        .select_related("village")
        .annotate(on_sale=Count("products", filter=Q(products__active=True)))
        .order_by(*by_name(), "pk")
    )
    groups = list(groups[: PANEL_GROUPS + 1])
    if not groups:
        return ""
    products = Product.objects.active().in_area(code).for_listing().order_by("-created", "-pk")
    return render_to_string(
        "market/_area_panel.html",
        {
            "code": code,
            "groups": groups[:PANEL_GROUPS],
            "more_groups": len(groups) > PANEL_GROUPS,
            "products": list(products[:PANEL_PRODUCTS]),
            "product_count": products.count(),
        },
        request=request,
    )
