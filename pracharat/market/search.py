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

from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
from django.db.models import Expression, F, FloatField, Lookup
from django.db.models.expressions import Col

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


def index_products(products: Iterable[Product], batch_size: int = 1000) -> int:
    """Index many products (imports, the demo, benchmarks): delete then bulk insert."""
    rows = [
        ProductIndex(product=p, title=t, body=b) for p in products for t, b in [document_for(p)]
    ]
    ids = [row.product_id for row in rows]
    for start in range(0, len(ids), batch_size):
        ProductIndex.objects.filter(product_id__in=ids[start : start + batch_size]).delete()
    ProductIndex.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def reindex_all(batch_size: int = 1000) -> int:
    """Rebuild the whole index, e.g. after upgrading pythainlp/nlpo3 (new dictionaries)."""
    ProductIndex.objects.all().delete()
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
    - Each result has ``relevance`` (float, higher is better) when ``q`` has search terms.
    - ``limit``/``offset`` slice the result; leave ``limit`` None to paginate it yourself.
    """
    qs = Product.objects.active().for_listing()
    if category:
        qs = qs.in_category(category)
    if area:
        qs = qs.in_area(area)
    qs = qs.price_between(min_price, max_price)
    if q and thaisearch.query_terms(q):
        qs = qs.filter(search_index__title__matches=q).annotate(relevance=Relevance(q))
        qs = qs.order_by("-relevance", "-created", "-pk")
    elif q:
        qs = qs.none()  # only punctuation: nothing can match
    else:
        qs = qs.order_by("-created", "-pk")
    if limit is not None:
        return qs[offset : offset + limit]
    if offset:
        return qs[offset:]
    return qs


def backend_supported() -> bool:
    return connection.vendor in ("sqlite", "postgresql")
