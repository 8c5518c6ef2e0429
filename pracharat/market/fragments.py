"""Parts of the shop window kept in the shared cache: a catalogue page's whole content, the
cards of each listing page, the catalogue's filter choices, a listing's count and page of ids,
the product page's own markup (and, in each worker's memory, the parts it read and each card
it made).

Each part is keyed by the generations (``core.generations``) of what it shows, so a write
makes unreachable only the parts that showed what it changed:

- **the catalogue** (``CATALOGUE``): which products a listing has, in what order, how many,
  and the filter choices. Bumped by the writes that can change them: a product saved or
  deleted (added, hidden, moved to another category, its price), a group, a category, a place
  name. Not by stock: no listing filters or orders by it (``search.search_products``).
- **a product** (``product(pk)``): its card and its page. Bumped by every write to what they
  show of it: the product itself, its photos, a rating of an order it was in, and the stock
  changes that ``actions`` make by conditional ``UPDATE`` (checkout, cancel, expiry:
  ``products_changed``). An order for X makes X's card and page again, and nothing else.
- **what every card and page shows besides its product** (``SHARED``): groups, categories,
  place names. Bumped by those writes, with the catalogue.

Each bump is made now and again on commit (``Generation.bump_for_write``): the next request
of any worker asks for new keys, so a new product, a price or a "sold out" shows at once
everywhere. A request reads the generations it needs in one ``get_many`` (a listing page: the
catalogue's first, then those of the products on the page). Model signals (connected in
``apps.py``) cover the admin and every action. Nothing of the visitor is ever cached (no CSRF
token, cart or account): those stay in the page around the parts.

Search rankings have their own generation (``search.invalidate_cache``); the same signals
bump it for the writes that change which products match (a product, its group, a category).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.core.cache import cache
from django.utils.translation import get_language

from pracharat.core.generations import Generation

CATALOGUE = Generation("market:catalogue")
SHARED = Generation("market:shared")

#: A part lives this long at most; a write makes it unreachable at once anyway.
SECONDS = 3600


def product(pk: int) -> Generation:
    """The generation of what product ``pk``'s card and page show of it."""
    return Generation(f"market:product:{pk}")


def products_changed(pks: Iterable[int]) -> None:
    """After a write to what the cards and pages of products ``pks`` show of them: their
    stock (checkout, cancel, expiry), a photo, a rating."""
    for pk in set(pks):
        product(pk).bump_for_write()


def listings_changed() -> None:
    """After a write that can change which products a listing has, their order or count."""
    CATALOGUE.bump_for_write()


def everything_changed() -> None:
    """After a write to what any card or page may show (a group, a category, a place)."""
    CATALOGUE.bump_for_write()
    SHARED.bump_for_write()


def on_product_write(sender, instance, **kwargs) -> None:
    """``post_save`` / ``post_delete`` receiver for products."""
    from pracharat.market import search

    listings_changed()
    products_changed([instance.pk])
    search.invalidate_cache()


def on_listing_write(sender, **kwargs) -> None:
    """``post_save`` / ``post_delete`` receiver for groups and categories."""
    from pracharat.market import search

    everything_changed()
    search.invalidate_cache()


def on_place_write(sender, **kwargs) -> None:
    """``post_save`` / ``post_delete`` receiver for place names (village up to province)."""
    everything_changed()


def on_photo_write(sender, instance, **kwargs) -> None:
    """``post_save`` / ``post_delete`` receiver for product photos."""
    products_changed([instance.product_id])


def on_rating_write(sender, instance, **kwargs) -> None:
    """``post_save`` / ``post_delete`` receiver for ratings, shown on the pages of the order's
    products. A rating deleted with its order may find the lines gone already: then every
    page is made again."""
    from pracharat.market.models import OrderLine

    pks = set(
        OrderLine.objects.filter(order_id=instance.order_id, product__isnull=False).values_list(
            "product_id", flat=True
        )
    )
    if pks:
        products_changed(pks)
    else:
        everything_changed()


#: Parts this process has read or made, by their full key (generations included), so a
#: popular card is not read from the shared cache again and again: a write's new
#: generation makes them unreachable here exactly as in the shared cache.
_local: dict[str, object] = {}
LOCAL_MAX = 5000


def _remember(key: str, value) -> None:
    if len(_local) >= LOCAL_MAX:
        _local.clear()
    _local[key] = value


class Parts:
    """The cache as one request sees it: one language; the catalogue's and the shared
    generations and those of ``products`` (a product page's own), read in one ``get_many``;
    those of a listing page's products once its ids are known (``cards``)."""

    def __init__(self, products: Iterable[int] = ()) -> None:
        pks = list(products)
        self.catalogue, self.shared, *versions = Generation.current_many(
            [CATALOGUE, SHARED, *(product(pk) for pk in pks)]
        )
        self.versions: dict[int, int] = dict(zip(pks, versions, strict=True))
        self.language = get_language() or ""

    def _key(self, kind: str, generation: int, parts: tuple) -> str:
        return ":".join(["market", kind, str(generation), self.language, *map(str, parts)])

    def listing_key(self, kind: str, *parts) -> str:
        """Of a part of listings: a count, a page of ids, the filter choices."""
        return self._key(kind, self.catalogue, parts)

    def product_key(self, kind: str, pk: int, *parts) -> str:
        """Of a part that shows product ``pk``: its card, its page."""
        if pk not in self.versions:
            self._read_versions([pk])
        return self._key(kind, self.shared, (pk, self.versions[pk], *parts))

    def _read_versions(self, pks: list[int]) -> None:
        unread = [pk for pk in dict.fromkeys(pks) if pk not in self.versions]
        if unread:
            read = Generation.current_many([product(pk) for pk in unread])
            self.versions.update(zip(unread, read, strict=True))

    def get(self, key: str):
        value = _local.get(key)
        if value is None:
            value = cache.get(key)
            if value is not None:
                _remember(key, value)
        return value

    def set(self, key: str, value) -> None:
        cache.set(key, value, SECONDS)
        _remember(key, value)

    def get_or_make(self, key: str, make):
        value = self.get(key)
        if value is None:
            value = make()
            self.set(key, value)
        return value

    def cards_key(self, ids: list[int], show_village: bool) -> str:
        """Of the cards of ``ids`` in that order: keyed by those products' generations."""
        self._read_versions(ids)
        shown = repr([(pk, self.versions[pk]) for pk in ids]).encode()
        return self._key(
            "cards", self.shared, (int(show_village), hashlib.sha256(shown).hexdigest()[:32])
        )

    def cards(self, ids: list[int], show_village: bool) -> list[str]:
        """The cards of ``ids`` in that order, as one part of the shared cache (one entry per
        listing page, keyed by its products' generations: the embedded file cache lists its
        whole folder on every write), made from this process's cards, the missing ones from
        one query; a product no longer on sale is left out."""
        if not ids:
            return []
        return self.get_or_make(
            self.cards_key(ids, show_village), lambda: self._make_cards(ids, show_village)
        )

    def catalogue_key(self, *shown) -> str:
        """Of a whole catalogue page's content, keyed by everything it shows: ``shown`` is the
        query as typed, the page number, the count, the "did you mean" and the cards' key
        (the form's choices are under the catalogue's generation, in the key too)."""
        digest = hashlib.sha256(repr(shown).encode()).hexdigest()[:32]
        return self.listing_key("content", digest)

    def _make_cards(self, ids: list[int], show_village: bool) -> list[str]:
        from pracharat.market.models import Product
        from pracharat.market.templatetags.market import product_card

        keys = {pk: self.product_key("card", pk, int(show_village)) for pk in ids}
        found = {}
        for k in keys.values():
            v = _local.get(k)  # another thread may clear it meanwhile: no `in` then `[]`
            if v is not None:
                found[k] = v
        missing = [pk for pk in ids if keys[pk] not in found]
        if missing:
            rows = (
                Product.objects.active()
                .filter(pk__in=missing)
                .for_listing()
                .select_related("group__village")
            )
            for item in rows:
                found[keys[item.pk]] = card = product_card(item, show_village)
                _remember(keys[item.pk], card)
        return [found[keys[pk]] for pk in ids if keys[pk] in found]


class Listing:
    """What the catalogue's paginator pages through: the ids of the products of a search
    (``ranked``: best first, from ``search.ranked_ids``) or of a listing with filters
    (newest first), counted and sliced without reading more than the page's rows."""

    def __init__(self, filters: dict, ranked: list[int] | None, parts: Parts) -> None:
        self.filters = {k: v for k, v in filters.items() if k != "q"}
        self.ranked = ranked
        self.parts = parts
        self._count: int | None = None

    def _filter_key(self) -> tuple:
        from pracharat.market.search import filter_key

        f = self.filters
        return filter_key(f.get("category"), f.get("area"), f.get("min_price"), f.get("max_price"))

    def _listing(self):
        from pracharat.market.search import search_products

        return search_products("", **self.filters)

    def count(self) -> int:
        if self._count is None:
            if self.ranked is not None:
                self._count = len(self.ranked)
            else:
                self._count = self.parts.get_or_make(
                    self.parts.listing_key("count", *self._filter_key()),
                    lambda: self._listing().count(),
                )
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[int]:
        """The ids of the products in ``window`` (their cards: ``Parts.cards``)."""
        start, stop = window.start or 0, window.stop
        if self.ranked is not None:
            return self.ranked[start:stop]
        return self.parts.get_or_make(
            self.parts.listing_key("page", *self._filter_key(), start, stop),
            lambda: list(
                self._listing().prefetch_related(None).values_list("pk", flat=True)[start:stop]
            ),
        )
