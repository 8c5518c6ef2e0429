"""The shop window: catalogue with Thai search, product pages with Open Graph tags, producer
group pages, and the product feed for other marketplaces."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from pracharat.core import tables
from pracharat.market import pages, reports, share_image
from pracharat.market.forms import AddToCartForm, CatalogueForm
from pracharat.market.models import ProducerGroup, Product
from pracharat.market.search import did_you_mean, search_products


@require_GET
def index(request):
    form = CatalogueForm(
        request.GET or None,
        categories=pages.categories(),
        provinces=pages.provinces_with_groups(),
    )
    filters = form.filters() if request.GET else {"q": ""}
    results = search_products(**filters).select_related("group__village")
    paginator = Paginator(results, pages.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "market/index.html",
        {
            "form": form,
            "page": page,
            "products": page.object_list,
            "searching": any(v for k, v in filters.items()),
            "did_you_mean": did_you_mean(filters.get("q", "")),
            "query": query.urlencode(),
        },
    )


@require_GET
def product(request, pk: int):
    item = pages.product_detail(pk, request.user).first()
    if item is None:
        raise Http404
    photos = item.photo_list
    cover = photos[0] if photos else None
    return render(
        request,
        "market/product.html",
        {
            "product": item,
            "group": item.group,
            "photos": photos,
            "og_image": request.build_absolute_uri(
                share_image.share_image_url(
                    "product",
                    item.pk,
                    cover.image if cover else None,
                    item.title_th,
                    f"{item.price:,.2f} บาท",
                )
            ),
            "og_url": request.build_absolute_uri(item_url(item)),
            "form": AddToCartForm(),
            "ratings": pages.product_ratings(item),
        },
    )


def item_url(item: Product) -> str:
    return reverse("market:product", args=[item.pk])


@require_GET
def group(request, code: str):
    item = get_object_or_404(
        ProducerGroup.objects.visible_to(request.user).select_related(
            "village__subdistrict__district__province"
        ),
        code=code,
    )
    return render(
        request,
        "market/group.html",
        {
            "group": item,
            "products": pages.group_products(item, request.user),
            "ratings": pages.group_ratings(item),
            "og_url": request.build_absolute_uri(reverse("market:group", args=[item.code])),
            "og_image": request.build_absolute_uri(
                share_image.share_image_url(
                    "group", item.pk, item.logo or None, item.name_th, item.village.name_th
                )
            ),
        },
    )


@require_GET
def groups(request):
    return render(request, "market/groups.html", {"groups": pages.groups_for_listing()})


@require_GET
def feed(request, fmt: str = "csv"):
    """Every product on sale as CSV (or XLSX), for listing on other marketplaces (e.g.
    Thailand Post's online mall): id, title, description, link, image_link, price "120.00 THB",
    ..."""
    products = Product.objects.active().for_listing().order_by("pk")
    table = reports.feed_table(request.build_absolute_uri)
    return tables.export_response(table, products, "pracharat-products", fmt, inline=True)
