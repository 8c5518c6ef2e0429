"""The shop window: catalogue with Thai search, product pages with Open Graph tags, producer
group pages, and the product feed for other marketplaces."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_GET

from pracharat.core import tables
from pracharat.market import fragments, pages, reports, share_image
from pracharat.market.forms import AddToCartForm, CatalogueForm
from pracharat.market.models import ProducerGroup, Product
from pracharat.market.search import did_you_mean, ranked_ids


@require_GET
def index(request):
    """The catalogue and the search results. Its parts come from the shared cache
    (``fragments``: the filter choices, the listing's count and page of ids, the cards, and
    the whole content keyed by all of these), current after any write; the search ranking
    from ``search.ranked_ids``."""
    parts = fragments.Parts()
    categories, provinces = parts.get_or_make(
        parts.listing_key("choices"), lambda: (pages.categories(), pages.provinces_with_groups())
    )
    form = CatalogueForm(request.GET or None, categories=categories, provinces=provinces)
    filters = form.filters() if request.GET else {"q": ""}
    q = filters.get("q", "")
    ranked = ranked_ids(**filters) if q else None
    paginator = Paginator(fragments.Listing(filters, ranked, parts), pages.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    ids = list(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    suggestion = did_you_mean(q)
    cards_key = parts.cards_key(ids, show_village=True) if ids else ""
    key = parts.catalogue_key(
        sorted(query.lists()), page.number, paginator.count, suggestion, cards_key
    )

    def make():
        return render_to_string(
            "market/_catalogue.html",
            {
                "form": form,
                "page": page,
                "cards": parts.cards(ids, show_village=True),
                "searching": any(v for k, v in filters.items()),
                "did_you_mean": suggestion,
                "query": query.urlencode(),
            },
        )

    return render(request, "market/index.html", {"content": parts.get_or_make(key, make)})


@require_GET
def product(request, pk: int):
    """A product's page. What it shows of the product (everything but the visitor's CSRF
    token and header) is one part of the shared cache (``fragments``) while the product is
    on sale: made from the rows on a miss, current after any write to what it shows."""
    parts = fragments.Parts(products=[pk])
    key = parts.product_key("product", pk, request.build_absolute_uri("/"))
    shown = parts.get(key)
    if shown is None:
        item = pages.product_detail(pk, request.user).first()
        if item is None:
            raise Http404
        shown = product_parts(request, item)
        if item.active and item.group.active:  # what anyone may see: the cached part
            parts.set(key, shown)
    return render(request, "market/product.html", {"shown": shown})


#: Where the product page's cached markup leaves room for the visitor's CSRF token.
CSRF_SLOT = "<!--csrf-token-->"


def product_parts(request, item: Product) -> dict:
    """The product page's markup of ``item`` without the visitor in it: title, description,
    the head's Open Graph tags and the body, split where the CSRF token goes."""
    photos = item.photo_list
    og_url = request.build_absolute_uri(item_url(item))
    context = {
        "product": item,
        "group": item.group,
        "photos": photos,
        "og_image": request.build_absolute_uri(
            reverse("market:share_picture", args=[_share_name(item)])
        ),
        "og_url": og_url,
        "form": AddToCartForm(),
        "ratings": pages.product_ratings(item),
        "csrf_slot": mark_safe(CSRF_SLOT),  # noqa: S308 (a constant)
    }
    return {
        "title": item.title,
        "description": Truncator(item.description or item.title).chars(200),
        "head": render_to_string("market/_product_head.html", context),
        "body": [
            mark_safe(part)  # noqa: S308 (split from the rendered, escaped template)
            for part in render_to_string("market/_product_body.html", context).split(CSRF_SLOT, 1)
        ],
    }


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
                reverse("market:share_picture", args=[_share_name(item)])
            ),
        },
    )


def _share_content(item) -> tuple:
    """What the share picture of a product or a group draws: kind, pk, photo, name, line."""
    if isinstance(item, Product):
        photo = item.first_photo
        price = f"{item.price:,.2f} บาท"
        return ("product", item.pk, photo.image if photo else None, item.title_th, price)
    return ("group", item.pk, item.logo or None, item.name_th, item.village.name_th)


def _share_name(item) -> str:
    return share_image.share_image_name(*_share_content(item))


@require_GET
def share_picture(request, name: str):
    """The 1200x630 picture of a product or group on sale (og:image), drawn on the first
    fetch of its current content; an older name is sent on to the current one."""
    kind, _, rest = name.partition("-")
    pk = rest.split("-", 1)[0]
    if not pk.isdigit():
        raise Http404
    if kind == "product":
        item = Product.objects.active().select_related("group").filter(pk=pk).first()
    elif kind == "group":
        item = ProducerGroup.objects.active().select_related("village").filter(pk=pk).first()
    else:
        item = None
    if item is None:
        raise Http404
    content = _share_content(item)
    current = share_image.share_image_name(*content)
    if current != name:
        return redirect("market:share_picture", current)
    made = share_image.make(*content)
    response = FileResponse(default_storage.open(made, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


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
