"""Parts of the shop window kept in the shared cache: the cards of each listing page, the
catalogue's filter choices, a listing's count and page of ids, the product page's own markup
(and, in each worker's memory, the parts it read and each card it made).

Every key carries the **catalogue generation** (``core.generations``), read once per request
from the platform cache. Every write to what these parts show bumps it, now and again on
commit (``changed``): saving or deleting a product, its photos, its group, a category, a
rating, a place name (model signals, connected in ``apps.py``, so the admin and every action
are covered), and the stock changes that ``actions`` make by conditional ``UPDATE``
(checkout, cancel, expiry). The next request of any worker then asks for new keys: a new
product, a price or a "sold out" shows at once everywhere. Nothing of the visitor is ever
cached (no CSRF token, cart or account): those stay in the page around the parts.

Search rankings have their own generation (``search.invalidate_cache``); the same signals
bump it for the writes that change which products match (a product, its group, a category).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.utils.translation import get_language

from pracharat.core.generations import Generation

CATALOGUE = Generation("market:catalogue")

#: A part lives this long at most; a write makes it unreachable at once anyway.
SECONDS = 3600


def changed() -> None:
    """After any write to what a listing or a product page shows (see the module's doc)."""
    CATALOGUE.bump_for_write()


def changed_search_too() -> None:
    """After a write that can change which products a search or a listing finds."""
    from pracharat.market import search

    changed()
    search.invalidate_cache()


def on_write(sender, **kwargs) -> None:
    """``post_save`` / ``post_delete`` receiver for photos, ratings and place names."""
    changed()


def on_listing_write(sender, **kwargs) -> None:
    """``post_save`` / ``post_delete`` receiver for products, groups and categories."""
    changed_search_too()


#: Parts this process has read or made, by their full key (generation included), so a
#: popular card is not read from the shared cache again and again: a write's new
#: generation makes them unreachable here exactly as in the shared cache.
_local: dict[str, object] = {}
LOCAL_MAX = 5000


def _remember(key: str, value) -> None:
    if len(_local) >= LOCAL_MAX:
        _local.clear()
    _local[key] = value


class Parts:
    """The cache as one request sees it: one generation, one language."""

    def __init__(self, generation: int | None = None) -> None:
        self.generation = CATALOGUE.current() if generation is None else generation
        self.language = get_language() or ""

    def key(self, kind: str, *parts) -> str:
        return ":".join(
            ["market", kind, str(self.generation), self.language, *(str(p) for p in parts)]
        )

    def get(self, kind: str, *parts):
        key = self.key(kind, *parts)
        value = _local.get(key)
        if value is None:
            value = cache.get(key)
            if value is not None:
                _remember(key, value)
        return value

    def set(self, kind: str, parts: tuple, value) -> None:
        key = self.key(kind, *parts)
        cache.set(key, value, SECONDS)
        _remember(key, value)

    def get_or_make(self, kind: str, parts: tuple, make):
        key = self.key(kind, *parts)
        value = _local.get(key)
        if value is None:
            value = cache.get(key)
            if value is None:
                value = make()
                cache.set(key, value, SECONDS)
            _remember(key, value)
        return value

    def cards(self, ids: list[int], show_village: bool) -> list[str]:
        """The cards of ``ids`` in that order, as one part of the shared cache (one entry per
        listing page: the embedded file cache lists its whole folder on every write), made
        from this process's cards, the missing ones from one query; a product no longer on
        sale is left out."""
        if not ids:
            return []
        return self.get_or_make(
            "cards",
            (int(show_village), hashlib.sha256(repr(ids).encode()).hexdigest()[:32]),
            lambda: self._make_cards(ids, show_village),
        )

    def _make_cards(self, ids: list[int], show_village: bool) -> list[str]:
        from pracharat.market.models import Product
        from pracharat.market.templatetags.market import product_card

        keys = {pk: self.key("card", int(show_village), pk) for pk in ids}
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
            for product in rows:
                found[keys[product.pk]] = card = product_card(product, show_village)
                _remember(keys[product.pk], card)
        return [found[keys[pk]] for pk in ids if keys[pk] in found]


class Listing:
    """What the catalogue's paginator pages through: the cards of the products of a search
    (``ranked``: ids best first, from ``search.ranked_ids``) or of a listing with filters
    (newest first), counted and sliced without reading more than the page's rows."""

    def __init__(self, filters: dict, ranked: list[int] | None, parts: Parts) -> None:
        self.filters = {k: v for k, v in filters.items() if k != "q"}
        self.ranked = ranked
        self.parts = parts
        self._count: int | None = None

    def _filter_key(self) -> tuple:
        f = self.filters
        category = getattr(f.get("category"), "pk", f.get("category"))
        return (category, f.get("area"), f.get("min_price"), f.get("max_price"))

    def _listing(self):
        from pracharat.market.search import search_products

        return search_products("", **self.filters)

    def count(self) -> int:
        if self._count is None:
            if self.ranked is not None:
                self._count = len(self.ranked)
            else:
                self._count = self.parts.get_or_make(
                    "count", self._filter_key(), lambda: self._listing().count()
                )
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[str]:
        start, stop = window.start or 0, window.stop
        if self.ranked is not None:
            ids = self.ranked[start:stop]
        else:
            ids = self.parts.get_or_make(
                "page",
                (*self._filter_key(), start, stop),
                lambda: list(
                    self._listing().prefetch_related(None).values_list("pk", flat=True)[start:stop]
                ),
            )
        return self.parts.cards(ids, show_village=True)
