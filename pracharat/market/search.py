"""Product search on SQLite (FTS5) and PostgreSQL (tsvector), over segmented Thai text.

Design and measurements: docs/thai-search.md. In short, ``lib.thaisearch.index_text`` turns
a product's title and description into syllable tokens (``น้ำพริกเผา`` -> ``น้ำ พริก เผา``),
stored in ``ProductIndex`` (one row per product; the table is FTS5 on SQLite and carries a
GIN-indexed stored tsvector on PostgreSQL, see migrations 0002 and 0005). A query word
becomes a phrase of its syllables, so ``น้ำพริก`` finds ``น้ำพริกเผา`` and ``น้ำพริกตาแดง``
alike, and every word must match.

Ranking: title matches first (every query word in the title: an FTS5 ``{title}`` column
filter, a tsquery of 'A'-weighted lexemes), then the rest; within each, BM25 on SQLite (title
weighted 4x the body, set in the table's ``rank`` config), ``ts_rank`` on PostgreSQL over the
same weighting ('A' title, 'B' body); ties go to the newest product. The index is written
by explicit calls (``index_product``) from ``actions``, never by signals (the cached rankings
are also dropped by the market's model signals, ``fragments``); ``reindex_all`` rebuilds it
(``pracharat reindex_products``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Expression, F, FloatField, Lookup, Value
from django.db.models.expressions import Col, RawSQL

from pracharat.core.generations import Generation
from pracharat.market.lib import forgive, thaisearch
from pracharat.market.models import (
    Category,
    Product,
    ProductIndex,
    SearchDocumentField,
    SearchSynonym,
    SearchWord,
)

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
    add_words([title])
    invalidate_cache()


def add_words(titles: Iterable[str]) -> None:
    words: set[str] = set()
    for title in titles:
        words |= forgive.title_words(title)
    SearchWord.objects.bulk_create(
        [SearchWord(word=w) for w in sorted(words)], batch_size=1000, ignore_conflicts=True
    )


def index_products(products: Iterable[Product], batch_size: int = 1000) -> int:
    """Index many products (imports, the demo, benchmarks): delete then bulk insert."""
    rows = [
        ProductIndex(product=p, title=t, body=b) for p in products for t, b in [document_for(p)]
    ]
    ids = [row.product_id for row in rows]
    for start in range(0, len(ids), batch_size):
        ProductIndex.objects.filter(product_id__in=ids[start : start + batch_size]).delete()
    ProductIndex.objects.bulk_create(rows, batch_size=batch_size)
    add_words(row.title for row in rows)
    invalidate_cache()
    return len(rows)


def reindex_all(batch_size: int = 1000) -> int:
    """Rebuild the whole index, e.g. after upgrading pythainlp/nlpo3 (new dictionaries)."""
    ProductIndex.objects.all().delete()
    invalidate_cache()
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


class Plan:
    """A query made forgiving, compiled for both databases.

    Every query word must match (AND), as itself OR any of its alternatives: its synonyms and
    narrower kinds (``SearchSynonym``), its other English inflections and spellings
    (``lib.forgive``), and for a run that no title contains and no document matches, the
    nearest title word (``did_you_mean`` then names the corrected query). Words are always
    words: ``AND`` typed in the box is the word "and", quoted in either syntax.
    """

    def __init__(self, node, did_you_mean: str = ""):
        self.node = node
        self.did_you_mean = did_you_mean
        self.fts5 = _fts5(node) if node else ""
        self.pg = _pg(node) if node else ""

    def __bool__(self) -> bool:
        return bool(self.node)

    def in_title(self) -> Restricted:
        """Only products whose title alone matches (every word in the title)."""
        return Restricted(f"{{title}} : ({self.fts5})", _pg(self.node, ":A"))

    def not_in_title(self) -> Restricted:
        """The other matches: the document matches, the title alone does not."""
        title = self.in_title()
        return Restricted(f"({self.fts5}) NOT {title.fts5}", f"({self.pg}) & !({title.pg})")


class Restricted:
    """Part of a plan's matches, compiled for both databases (see ``Plan.in_title``)."""

    def __init__(self, fts5: str, pg: str):
        self.fts5, self.pg = fts5, pg

    def __bool__(self) -> bool:
        return bool(self.fts5)


#: English words that join others (and the FTS5 operators): typed, they are words, but
#: they stand in nearly every description and category name ("Food and drinks"), so they
#: match titles only (``q=AND`` must not list everything).
TITLE_ONLY = frozenset({"and", "or", "not", "near", "the", "of", "with", "for", "a", "an", "in"})


def _fts5(node) -> str:
    kind, value = node
    if kind == "p":
        return f'"{value}"'  # tokens are letters, marks and digits: never a quote
    if kind == "t":
        return f'{{title}} : "{value}"'
    parts = [_fts5(child) for child in value]
    return parts[0] if len(parts) == 1 else "(" + f" {kind.upper()} ".join(parts) + ")"


def _pg(node, weight: str = "") -> str:
    kind, value = node
    if kind == "t":
        return f"'{value}':A"
    if kind == "p":
        lexemes = [f"'{token}'{weight}" for token in value.split(" ")]
        return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"
    parts = [_pg(child, weight) for child in value]
    joiner = " & " if kind == "and" else " | "
    return parts[0] if len(parts) == 1 else "(" + joiner.join(parts) + ")"


def _phrase(tokens) -> tuple:
    return ("p", " ".join(tokens))


def _any(nodes) -> tuple:
    unique = list(dict.fromkeys(nodes))
    return unique[0] if len(unique) == 1 else ("or", tuple(unique))


def _key(tokens) -> str:
    return " ".join(forgive.canonical(token) for token in tokens)


_memo: dict = {}


def _memoised(name: str, load, version=None):
    """Per process, per version shared by every worker through the cache: the vocabulary
    is read again after any index write, the synonym table after a synonym write."""
    generation = _generation() if version is None else version()
    hit = _memo.get(name)
    if hit is None or hit[0] != generation:
        hit = (generation, load())
        _memo[name] = hit
    return hit[1]


def _load_synonyms() -> dict[str, list[list[str]]]:
    rows = [(r.name_list(), r.kind_list()) for r in SearchSynonym.objects.all()]
    kinds_of: dict[str, list[str]] = {}
    for names, kinds in rows:
        for name in names:
            kinds_of.setdefault(_key(thaisearch.tokens(name)), []).extend(kinds)
    table: dict[str, list[list[str]]] = {}
    for names, kinds in rows:
        found = list(names) + list(kinds)
        for kind in kinds:  # a kind's own kinds too (one level: ผ้าทอ -> ผ้าไหม -> มัดหมี่)
            found += kinds_of.get(_key(thaisearch.tokens(kind)), [])
        alternatives = [tokens for text in found if (tokens := thaisearch.tokens(text))]
        for name in names:
            table.setdefault(_key(thaisearch.tokens(name)), []).extend(alternatives)
    return table


def _load_vocabulary() -> list[str]:
    return list(SearchWord.objects.values_list("word", flat=True))


_SYNONYMS = Generation("market:search:synonyms")
_synonyms_version = _SYNONYMS.current


def _synonyms_changed_now() -> None:
    _SYNONYMS.bump()
    invalidate_cache()  # cached rankings and plans were made with the old lists


def synonyms_changed() -> None:
    """Call after a synonym list is saved or deleted: every worker reads them again."""
    _synonyms_changed_now()
    transaction.on_commit(_synonyms_changed_now)


def _word_nodes(words: list[list[str]], synonyms) -> list:
    nodes, i = [], 0
    while i < len(words):
        for n in range(min(4, len(words) - i), 0, -1):
            tokens = [t for word in words[i : i + n] for t in word]
            alternatives = synonyms.get(_key(tokens))
            if alternatives:
                nodes.append(_any([_phrase(tokens), *_with_variants(alternatives)]))
                i += n
                break
        else:
            tokens = words[i]
            if len(tokens) == 1 and tokens[0] in TITLE_ONLY:
                nodes.append(("t", tokens[0]))
            elif len(tokens) == 1:
                nodes.append(_any([_phrase([v]) for v in forgive.english_variants(tokens[0])]))
            else:
                nodes.append(_phrase(tokens))
            i += 1
    return nodes


def _with_variants(alternatives) -> list:
    found = []
    for tokens in alternatives:
        if len(tokens) == 1:
            found += [_phrase([v]) for v in forgive.english_variants(tokens[0])]
        else:
            found.append(_phrase(tokens))
    return found


def _has_match(node) -> bool:
    return ProductIndex.objects.filter(title__matches=Plan(node)).exists()


def _span_synonym(chunks, i, synonyms):
    for n in range(min(4, len(chunks) - i), 1, -1):
        words = thaisearch.segment_words(" ".join(chunks[i : i + n]))
        tokens = [t for word in words for t in word]
        alternatives = synonyms.get(_key(tokens))
        if alternatives:
            return _any([_phrase(tokens), *_with_variants(alternatives)]), n
    return None


def plan(q: str) -> Plan:
    """The forgiving query for ``q`` (see :class:`Plan`); falsy when ``q`` has no words."""
    key = (_generation(), q)
    if key in _memo:
        return _memo[key]
    synonyms = _memoised("synonyms", _load_synonyms, _synonyms_version)
    nodes, typed, corrected = [], [], False
    chunks = q.split()[:20]
    i = 0
    while i < len(chunks):
        span = _span_synonym(chunks, i, synonyms)  # "chili paste": one name, two chunks
        if span:
            node, n = span
            nodes.append(node)
            typed.append(" ".join(chunks[i : i + n]))
            i += n
            continue
        chunk = chunks[i]
        i += 1
        words = thaisearch.segment_words(chunk)
        if not words:
            continue
        chunk_nodes = _word_nodes(words, synonyms)
        tokens = [t for word in words for t in word]
        joined = "".join(tokens)
        correction = None
        if not any(t.isdigit() or t in TITLE_ONLY for t in tokens):
            thai = not any(t.isascii() for t in tokens)
            if (
                (thai or len(tokens) == 1)
                and not SearchWord.objects.filter(word=joined).exists()
                # typed together, its syllables would stand together: not found so, it is
                # misspelt (separate words found apart, นำ + พริก, do not count)
                and not _has_match(_phrase(tokens) if thai else chunk_nodes[0])
            ):
                correction = forgive.closest(joined, _memoised("vocabulary", _load_vocabulary))
        if correction:
            fixed = _word_nodes(thaisearch.segment_words(correction), synonyms)
            nodes.append(_any([("and", tuple(chunk_nodes)), ("and", tuple(fixed))]))
            typed.append(correction)
            corrected = True
        else:
            nodes.extend(chunk_nodes)
            typed.append(chunk)
    result = Plan(("and", tuple(nodes)) if nodes else None, " ".join(typed) if corrected else "")
    if len(_memo) > 2000:
        _memo.clear()
    _memo[key] = result
    return result


def did_you_mean(q: str) -> str:
    """The corrected query when ``q`` had a misspelt word ("" otherwise), for the page."""
    return plan(q).did_you_mean if q else ""


@SearchDocumentField.register_lookup
class Matches(Lookup):
    """``search_index__title__matches=plan``: the product's document matches the query.

    The right-hand side is a :class:`Plan` (or a raw user query, made into one here),
    compiled into an FTS5 MATCH expression or a PostgreSQL tsquery.
    """

    lookup_name = "matches"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(self.lhs.alias)
        query = self.rhs if isinstance(self.rhs, Plan | Restricted) else plan(self.rhs)
        if connection.vendor == "sqlite":
            # The hidden column named after the table; works with an aliased join too.
            return f'{alias}."market_productindex" MATCH %s', [query.fts5]
        if connection.vendor == "postgresql":
            return (
                f"{PG_DOCUMENT.format(t=alias)} @@ to_tsquery('simple'::regconfig, %s)",
                [query.pg],
            )
        raise NotImplementedError(f"Product search does not support {connection.vendor}")


class Relevance(Expression):
    """Higher is better on both databases (FTS5's BM25 rank is negated)."""

    output_field = FloatField()

    def __init__(self, query: Plan | Restricted):
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
            [self.query.pg],
        )


#: Most matches a text search ranks and returns: pages past 1,000 results are not read by
#: people, and ranking every one of 15,000 matches of a one-word query is what costs.
RESULT_CAP = 1000
#: Ranked results are cached (per query and filters) this long; any product index write
#: starts a new generation, so edits show at once. Popular one-word queries repeat a lot.
CACHE_SECONDS = 300
_GENERATION = Generation("market:search:generation")
_generation = _GENERATION.current


def invalidate_cache() -> None:
    """Drop every cached ranking, after any index write (now and again on commit)."""
    _GENERATION.bump_for_write()


def _ranked_ids(q: Plan, filtered, key_parts: tuple) -> tuple[list[int], bool]:
    """Ids of the best ``RESULT_CAP`` matches, best first, from the cache when possible;
    and whether they were computed just now (so they are all current)."""
    key = (
        "market:search:"
        + hashlib.sha256(repr((_generation(), q.fts5, *key_parts)).encode()).hexdigest()
    )
    ids = cache.get(key)
    if ids is None:
        # Title matches first, then the rest (a word found only in a description or a
        # group's name), each part best first: one compound query.
        parts = [
            filtered.filter(search_index__title__matches=part)
            .annotate(tier=Value(tier), relevance=Relevance(part))
            .order_by()
            .values_list("pk", "tier", "relevance", "created")
            for tier, part in enumerate((q.in_title(), q.not_in_title()))
        ]
        ranked = (
            parts[0].union(parts[1], all=True).order_by("tier", "-relevance", "-created", "-pk")
        )
        ids = [row[0] for row in ranked[:RESULT_CAP]]
        cache.set(key, ids, CACHE_SECONDS)
        return ids, True
    return ids, False


def _in_given_order(ids: list[int]) -> RawSQL:
    """An ORDER BY expression putting rows in the order of ``ids``."""
    if connection.vendor == "postgresql":
        return RawSQL('array_position(%s::bigint[], "market_product"."id")', (ids,))
    marked = "," + ",".join(str(int(i)) for i in ids) + ","
    return RawSQL("""instr(%s, ',' || "market_product"."id" || ',')""", (marked,))


def _filtered(category, area, min_price, max_price):
    qs = Product.objects.active()
    if category:
        qs = qs.in_category(category)
    if area:
        qs = qs.in_area(area)
    return qs.price_between(min_price, max_price)


def filter_key(category, area, min_price, max_price) -> tuple:
    """What identifies the filters in a cache key (a ranking's, a listing's parts)."""
    category_key = category.pk if isinstance(category, Category) else category
    return (category_key, area, str(min_price), str(max_price))


def ranked_ids(
    q: str,
    *,
    category: Category | str | None = None,
    area: str | None = None,
    min_price: Decimal | None = None,
    max_price: Decimal | None = None,
) -> list[int]:
    """Ids of what ``search_products(q, ...)`` finds, best first, at most ``RESULT_CAP``:
    the cached ranking when there is one, with no product row read. They are current:
    every write that changes which products match (a product, its group, a category; see
    ``fragments``) starts a new ranking generation. ``[]`` when ``q`` has no words."""
    query = plan(q) if q else None
    if not query:
        return []
    filters = (category, area, min_price, max_price)
    return _ranked_ids(query, _filtered(*filters), filter_key(*filters))[0]


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
    qs = _filtered(category, area, min_price, max_price)
    query = plan(q) if q else None
    if query:
        ids, fresh = _ranked_ids(query, qs, filter_key(category, area, min_price, max_price))
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
