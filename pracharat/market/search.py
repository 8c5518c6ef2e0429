"""Product search on SQLite (FTS5) and PostgreSQL (tsvector), over segmented Thai text.

Design and measurements: docs/thai-search.md. In short, ``lib.thaisearch.index_text`` turns
a product's title and description into syllable tokens (``น้ำพริกเผา`` -> ``น้ำ พริก เผา``),
stored in ``ProductIndex`` (one row per product; the table is FTS5 on SQLite and carries a
GIN-indexed stored tsvector on PostgreSQL, see migrations 0002 and 0005). A query word
becomes a phrase of its syllables, so ``น้ำพริก`` finds ``น้ำพริกเผา`` and ``น้ำพริกตาแดง``
alike, and every word must match.

Ranking: BM25 on SQLite (title weighted 4x the body, set in the table's ``rank`` config),
``ts_rank`` on PostgreSQL over the same weighting ('A' title, 'B' body); ties go to the newest
product. The index is written by explicit calls (``index_product``) from ``actions`` -- there
are no signals; ``reindex_all`` rebuilds it (``pracharat reindex_products``).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Iterable
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Expression, F, FloatField, Lookup
from django.db.models.expressions import Col, RawSQL

from pracharat.market.lib import thaisearch
from pracharat.market.models import Category, Product, ProductIndex, SearchDocumentField

#: The PostgreSQL document: a stored generated tsvector column (migration 0005) with a GIN
#: index, 'A' weight for the title tokens and 'B' for the body. ``{t}`` is the table alias.
PG_DOCUMENT = '{t}."document"'


def document_for(product: Product) -> tuple[str, str]:
    """(title tokens, body tokens) for a product: both languages, its group and category
    names in the body so that ``น้ำพริก คลองเมม`` or ``chili paste`` find it."""
    title = thaisearch.index_text(product.title_th, product.title_en, product.sku)
    group, category = product.group, product.category
    body = thaisearch.index_text(
        product.description_th,
        product.description_en,
        category.name_th,
        category.name_en,
        group.name_th,
        group.name_en,
    )
    return title, body


def index_product(product: Product) -> None:
    """Write (or rewrite) the product's search document. Inactive products stay indexed:
    the search filters on ``active``, so re-activating needs no re-index."""
    title, body = document_for(product)
    updated = ProductIndex.objects.filter(product=product).update(title=title, body=body)
    if not updated:
        ProductIndex.objects.create(product=product, title=title, body=body)
    _invalidate_now_and_on_commit()


def _invalidate_now_and_on_commit() -> None:
    # Now, so this request sees its own write; on commit, so a ranking computed by another
    # request from the pre-commit data is not kept either.
    invalidate_cache()
    transaction.on_commit(invalidate_cache)


def index_products(products: Iterable[Product], batch_size: int = 1000) -> int:
    """Index many products (imports, the demo, benchmarks): delete then bulk insert."""
    rows = [
        ProductIndex(product=p, title=t, body=b) for p in products for t, b in [document_for(p)]
    ]
    ids = [row.product_id for row in rows]
    for start in range(0, len(ids), batch_size):
        ProductIndex.objects.filter(product_id__in=ids[start : start + batch_size]).delete()
    ProductIndex.objects.bulk_create(rows, batch_size=batch_size)
    _invalidate_now_and_on_commit()
    return len(rows)


def reindex_all(batch_size: int = 1000) -> int:
    """Rebuild the whole index, e.g. after upgrading pythainlp/nlpo3 (new dictionaries)."""
    ProductIndex.objects.all().delete()
    _invalidate_now_and_on_commit()
    count = 0
    qs = Product.objects.select_related("group", "category").order_by("pk")
    batch: list[Product] = []
    for product in qs.iterator(chunk_size=batch_size):
        batch.append(product)
        if len(batch) >= batch_size:
            count += index_products(batch, batch_size)
            batch = []
    if batch:
        count += index_products(batch, batch_size)
    return count


# --- Query side: a lookup and a rank expression that compile per database ---------------------


@SearchDocumentField.register_lookup
class Matches(Lookup):
    """``search_index__title__matches=q``: the product's document matches the query ``q``.

    The right-hand side is the raw user query; it is turned into an FTS5 MATCH expression or
    a PostgreSQL tsquery here, from the same segmentation as the index.
    """

    lookup_name = "matches"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(self.lhs.alias)
        if connection.vendor == "sqlite":
            # The hidden column named after the table; works with an aliased join too.
            return f'{alias}."market_productindex" MATCH %s', [thaisearch.fts5_match(self.rhs)]
        if connection.vendor == "postgresql":
            return (
                f"{PG_DOCUMENT.format(t=alias)} @@ to_tsquery('simple'::regconfig, %s)",
                [thaisearch.pg_tsquery(self.rhs)],
            )
        raise NotImplementedError(f"Product search does not support {connection.vendor}")


class Relevance(Expression):
    """Higher is better on both databases (FTS5's BM25 rank is negated)."""

    output_field = FloatField()

    def __init__(self, query: str):
        super().__init__()
        self.query = query
        self.column = F("search_index__title")

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        column: Col = self.column
        alias = compiler.quote_name_unless_alias(column.alias)
        if connection.vendor == "sqlite":
            return f"(-{alias}.rank)", []
        return (
            f"ts_rank({PG_DOCUMENT.format(t=alias)}, to_tsquery('simple'::regconfig, %s))",
            [thaisearch.pg_tsquery(self.query)],
        )


#: Most matches a text search ranks and returns: pages past 1,000 results are not read by
#: people, and ranking every one of 15,000 matches of a one-word query is what costs.
RESULT_CAP = 1000
#: Ranked results are cached (per query and filters) this long; any product index write
#: starts a new generation, so edits show at once. Popular one-word queries repeat a lot.
CACHE_SECONDS = 300
_GENERATION_KEY = "market:search:generation"


def _generation() -> int:
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        generation = int(time.time() * 1000)
        cache.add(_GENERATION_KEY, generation, None)
        generation = cache.get(_GENERATION_KEY, generation)
    return generation


def invalidate_cache() -> None:
    """Drop every cached ranking (called after any index write, and again on commit)."""
    cache.set(_GENERATION_KEY, int(time.time() * 1000) + secrets.randbelow(1000), None)


def _ranked_ids(q: str, filtered, key_parts: tuple) -> tuple[list[int], bool]:
    """Ids of the best ``RESULT_CAP`` matches, best first, from the cache when possible;
    and whether they were computed just now (so they are all current)."""
    key = (
        "market:search:"
        + hashlib.sha256(
            repr((_generation(), thaisearch.query_terms(q), *key_parts)).encode()
        ).hexdigest()
    )
    ids = cache.get(key)
    if ids is None:
        ranked = (
            filtered.filter(search_index__title__matches=q)
            .annotate(relevance=Relevance(q))
            .order_by("-relevance", "-created", "-pk")
            .values_list("pk", flat=True)
        )
        ids = list(ranked[:RESULT_CAP])
        cache.set(key, ids, CACHE_SECONDS)
        return ids, True
    return ids, False


def _in_given_order(ids: list[int]) -> RawSQL:
    """An ORDER BY expression putting rows in the order of ``ids``."""
    if connection.vendor == "postgresql":
        return RawSQL('array_position(%s::bigint[], "market_product"."id")', (ids,))
    marked = "," + ",".join(str(int(i)) for i in ids) + ","
    return RawSQL("""instr(%s, ',' || "market_product"."id" || ',')""", (marked,))


def search_products(
    q: str = "",
    *,
    category: Category | str | None = None,
    area: str | None = None,
    min_price: Decimal | None = None,
    max_price: Decimal | None = None,
    limit: int | None = None,
    offset: int = 0,
):
    """Products on sale matching ``q``, best first, as a ``Product`` queryset (sliceable,
    countable, ready for a paginator), with the listing's related rows loaded.

    - ``q`` in Thai, English or both; empty means "all products", newest first.
    - ``category``: a Category or its slug; ``area``: a DOPA code prefix (province "65",
      district "6506", ...) of the producer group's village; prices in baht, inclusive.
    - A text search returns at most ``RESULT_CAP`` products, ranked by relevance (BM25 /
      ts_rank, title above description, newest first on ties). The ranking is cached for
      ``CACHE_SECONDS`` per query and filters and dropped on any product index write; the
      rows themselves are always read fresh (a product taken off sale disappears at once).
    - ``limit``/``offset`` slice the result; leave ``limit`` None to paginate it yourself.
    """
    qs = Product.objects.active()
    if category:
        qs = qs.in_category(category)
    if area:
        qs = qs.in_area(area)
    qs = qs.price_between(min_price, max_price)
    if q and thaisearch.query_terms(q):
        category_key = category.pk if isinstance(category, Category) else category
        key_parts = (category_key, area, str(min_price), str(max_price))
        ids, fresh = _ranked_ids(q, qs, key_parts)
        qs = Product.objects.active().filter(pk__in=ids).order_by(_in_given_order(ids).asc())
        if fresh:
            qs._known_count = len(ids)
    elif q:
        qs = qs.none()  # only punctuation: nothing can match
    else:
        qs = qs.order_by("-created", "-pk")
    qs = qs.for_listing()
    if limit is not None:
        return qs[offset : offset + limit]
    if offset:
        return qs[offset:]
    return qs


def backend_supported() -> bool:
    return connection.vendor in ("sqlite", "postgresql")
