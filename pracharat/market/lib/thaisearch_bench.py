"""Measure Thai segmenters and index designs on generated village product listings.

Run: ``python -m pracharat.market.lib.thaisearch_bench [--products 3000] [--pg DSN]``.
It prints the tables reproduced in docs/thai-search.md. Nothing is downloaded: the corpus
is generated here from a fixed seed, the dictionaries ship inside ``pythainlp``.

Approaches compared for "does this query find this document":

- ``words:<engine>`` -- index dictionary words, every query word must be an indexed word;
- ``prefix:<engine>`` -- same index, every query word may be a prefix of an indexed word
  (FTS5 ``word*``, PostgreSQL ``word:*``);
- ``syllables:<backend>`` -- our design (:mod:`.thaisearch`): index syllables, each query
  word is a phrase of syllables;
- ``substring`` -- ``LIKE '%q%'`` on the normalised text, the recall ceiling.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from pythainlp.tokenize import word_tokenize
from pythainlp.util import normalize as thai_normalize

from . import thaisearch

# (product name, generic queries that must find it: each a substring of the name)
PRODUCTS: list[tuple[str, list[str]]] = [
    ("น้ำพริกเผา", ["น้ำพริก", "พริกเผา"]),
    ("น้ำพริกตาแดง", ["น้ำพริก", "ตาแดง"]),
    ("น้ำพริกหนุ่ม", ["น้ำพริก", "พริกหนุ่ม"]),
    ("น้ำพริกนรก", ["น้ำพริก"]),
    ("น้ำพริกปลาร้า", ["น้ำพริก", "ปลาร้า"]),
    ("ผ้าทอมือ", ["ผ้า", "ผ้าทอ", "ทอมือ"]),
    ("ผ้าไหมมัดหมี่", ["ผ้า", "ผ้าไหม", "มัดหมี่"]),
    ("ผ้าขาวม้า", ["ผ้า", "ผ้าขาวม้า"]),
    ("ผ้าซิ่นตีนจก", ["ผ้า", "ผ้าซิ่น", "ตีนจก"]),
    ("ผ้าย้อมคราม", ["ผ้า", "ย้อมคราม", "คราม"]),
    ("ข้าวหอมมะลิ", ["ข้าว", "ข้าวหอม", "หอมมะลิ"]),
    ("ข้าวกล้องหอมมะลิ", ["ข้าว", "ข้าวกล้อง", "หอมมะลิ"]),
    ("ข้าวไรซ์เบอร์รี่", ["ข้าว", "ไรซ์เบอร์รี่"]),
    ("ข้าวเหนียวเขี้ยวงู", ["ข้าว", "ข้าวเหนียว"]),
    ("กล้วยตาก", ["กล้วย", "กล้วยตาก"]),
    ("กล้วยฉาบ", ["กล้วย"]),
    ("สบู่สมุนไพร", ["สบู่", "สมุนไพร"]),
    ("สบู่น้ำผึ้ง", ["สบู่", "น้ำผึ้ง"]),
    ("น้ำผึ้งป่า", ["น้ำผึ้ง"]),
    ("กาแฟดอยช้าง", ["กาแฟ"]),
    ("กาแฟคั่วบด", ["กาแฟ", "คั่วบด"]),
    ("ชาใบหม่อน", ["ชา", "ใบหม่อน"]),
    ("หมูยอ", ["หมูยอ"]),
    ("แหนมหมู", ["แหนม"]),
    ("ปลาร้าบอง", ["ปลาร้า"]),
    ("ทุเรียนทอด", ["ทุเรียน"]),
    ("มะม่วงกวน", ["มะม่วง"]),
    ("ข้าวเกรียบกุ้ง", ["ข้าวเกรียบ"]),
    ("กระติบข้าวไม้ไผ่", ["กระติบ", "ไม้ไผ่"]),
    ("ครีมขมิ้นชัน", ["ขมิ้น", "ขมิ้นชัน"]),
    ("เห็ดนางฟ้า", ["เห็ด"]),
    ("ไข่เค็มไชยา", ["ไข่เค็ม"]),
]
MODIFIERS = ["สูตรโบราณ", "รสเผ็ด", "ออร์แกนิก", "ทำมือ", "แท้", "คุณภาพดี", "พรีเมียม", ""]
VILLAGES = ["บ้านหนองบัว", "บ้านดอนแก้ว", "บ้านนาเหนือ", "บ้านป่าสัก", "บ้านโคกสูง", "ชุมชนริมน้ำ"]
PROVINCES = ["เชียงใหม่", "น่าน", "ขอนแก่น", "อุบลราชธานี", "สุรินทร์", "นครศรีธรรมราช", "ตราด"]
SIZES = ["500 กรัม", "1 kg", "250g", "๒ ขวด", "แพ็ค 3 ชิ้น", "ขนาด 2 เมตร", "1 ลิตร", "100 ml"]
ENGLISH = ["OTOP 5 stars", "Handmade", "Organic", "100% natural", "Thai Premium", "Gift set", ""]
SENTENCES = [
    "ผลิตจากวัตถุดิบในชุมชน",
    "ไม่ใส่สารกันบูด ไม่ใส่ผงชูรส",
    "เหมาะเป็นของฝากสำหรับครอบครัว",
    "ส่งฟรีทั่วประเทศเมื่อซื้อครบ 500 บาท",
    "เก็บได้นาน 6 เดือนในตู้เย็น",
    "ผ่านมาตรฐาน อย. เลขที่ 12-1-12345-1-0001",
    "กลุ่มแม่บ้านเกษตรกรผลิตเองทุกขั้นตอน",
    "รับประกันความพอใจ คืนเงินได้ภายใน 7 วัน",
    "Made by the village women's group, shipped within 2 days.",
    "สั่งซื้อจำนวนมากติดต่อทางไลน์ได้เลยค่ะ",
    "สีธรรมชาติ ไม่ตก ไม่ซีด",
    "ได้รับรางวัลระดับจังหวัดปี ๒๕๖๖",
]

# Query/document pairs that must match (the first two are the key requirement).
POSITIVE_PAIRS: list[tuple[str, str]] = [
    ("น้ำพริก", "น้ำพริกเผาสูตรโบราณ"),
    ("น้ำพริก", "น้ำพริกตาแดง รสเผ็ด"),
    ("พริกเผา", "น้ำพริกเผาสูตรโบราณ"),
    ("ตาแดง", "น้ำพริกตาแดง รสเผ็ด"),
    ("ผ้าทอ", "ผ้าทอมือ บ้านนาเหนือ"),
    ("ผ้าไหม", "ผ้าไหมมัดหมี่ สุรินทร์"),
    ("มัดหมี่", "ผ้าไหมมัดหมี่ สุรินทร์"),
    ("หอมมะลิ", "ข้าวหอมมะลิ 5kg"),
    ("ข้าวหอม", "ข้าวหอมมะลิ 5kg"),
    ("มะลิ", "ข้าวหอมมะลิ 5kg"),
    ("5 kg ข้าว", "ข้าวหอมมะลิ 5kg"),
    ("กล้วย", "กล้วยตากพลังงานแสงอาทิตย์"),
    ("สมุนไพร", "สบู่สมุนไพร Handmade"),
    ("handmade สบู่", "สบู่สมุนไพร Handmade"),
    ("OTOP น้ำพริก", "น้ำพริกเผา otop 5 ดาว"),
    ("กาแฟ", "Coffee กาแฟดอยช้าง"),
    ("coffee", "Coffee กาแฟดอยช้าง"),
    ("แดง", "น้ำพริกตาเเดง"),  # document typed with two SARA E
    ("น้ำพริกตาแดง", "น้ำพริกตาแดงหอมกลิ่นปลาย่าง"),
    ("ผ้าขาวม้า", "ผ้าขาวม้าทอมือ ๑๐๐%"),
]
# Substrings that are different words: a search must NOT return these documents.
NEGATIVE_PAIRS: list[tuple[str, str]] = [
    ("ทอ", "ทุเรียนทอดกรอบ"),  # weave / fried
    ("ปลา", "ไร่ปลายฟ้า"),  # fish / end (of the sky)
    ("ตาก", "ตากล้องมืออาชีพ"),  # sun-dried / photographer
    ("นม", "ขนมไทยโบราณ"),  # milk / snack
    ("ยา", "ยางพาราแผ่น"),  # medicine / rubber
    ("กา", "กาแฟดอยช้าง"),  # crow, kettle / coffee
    ("ม้า", "ผ้าขาวม้าทอมือ"),  # horse / loincloth
]


@dataclass(frozen=True)
class Listing:
    title: str
    description: str
    product: int  # index into PRODUCTS


def generate(n: int, seed: int = 2568) -> list[Listing]:
    """``n`` realistic listings, mixed Thai, English and numbers, deterministic for a seed."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        product = rng.randrange(len(PRODUCTS))
        name = PRODUCTS[product][0]
        title = " ".join(
            x
            for x in (
                name + rng.choice(MODIFIERS),
                rng.choice(VILLAGES),
                rng.choice(PROVINCES),
                rng.choice(SIZES),
                rng.choice(ENGLISH),
            )
            if x
        )
        description = " ".join(rng.sample(SENTENCES, rng.randint(2, 5)))
        out.append(Listing(title, f"{name}จาก{rng.choice(VILLAGES)} {description}", product))
    return out


# --- segmenters under test -------------------------------------------------------------


def _nlpo3_words(safe: bool) -> Callable[[str], list[str]]:
    import nlpo3

    words_dict, _ = thaisearch._nlpo3_dicts()
    return lambda text: nlpo3.segment(text, words_dict, safe=safe)


def word_segmenters() -> dict[str, Callable[[str], list[str]]]:
    def pythainlp_engine(engine: str) -> Callable[[str], list[str]]:
        return lambda text: word_tokenize(text, engine=engine, keep_whitespace=False)

    return {
        "pythainlp newmm": pythainlp_engine("newmm"),
        "pythainlp newmm-safe": pythainlp_engine("newmm-safe"),
        "pythainlp longest": pythainlp_engine("longest"),
        "pythainlp mm": pythainlp_engine("mm"),
        "nlpo3 (words_th.txt)": _nlpo3_words(safe=False),
        "nlpo3 safe (words_th.txt)": _nlpo3_words(safe=True),
    }


def _norm(text: str) -> str:
    return thai_normalize(text).casefold()


def _word_tokens(seg: Callable[[str], list[str]], text: str) -> list[str]:
    return [t for t in (w.strip() for w in seg(_norm(text))) if t and any(c.isalnum() for c in t)]


def matchers() -> dict[str, Callable[[str, str], bool]]:
    """Approach name -> f(query, document) -> does the document match."""
    result: dict[str, Callable[[str, str], bool]] = {}
    for name, seg in word_segmenters().items():
        if "safe" in name:
            continue

        def words(q: str, d: str, seg: Callable[[str], list[str]] = seg) -> bool:
            doc = set(_word_tokens(seg, d))
            return all(t in doc for t in _word_tokens(seg, q))

        def prefix(q: str, d: str, seg: Callable[[str], list[str]] = seg) -> bool:
            doc = _word_tokens(seg, d)
            return all(any(t.startswith(p) for t in doc) for p in _word_tokens(seg, q))

        result[f"words: {name}"] = words
        result[f"prefix: {name}"] = prefix
    for backend in ("nlpo3", "pythainlp"):

        def phrase(q: str, d: str, backend: thaisearch.Backend = backend) -> bool:
            doc = " " + thaisearch.index_text(d, backend=backend) + " "
            return all(f" {term} " in doc for term in thaisearch.query_terms(q, backend))

        result[f"syllables: {backend} (chosen design)"] = phrase
    result["substring (LIKE %q%)"] = lambda q, d: all(p in _norm(d) for p in _norm(q).split())
    return result


# --- measurements ----------------------------------------------------------------------


def _best_of(runs: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def measure_speed(texts: list[str], runs: int = 3) -> list[tuple[str, int, float, str]]:
    """(segmenter, tokens, best wall time in s, lossless?) over all ``texts``.

    Word segmenters get pre-normalised text; ``thaisearch.index_text`` rows time the whole
    pipeline (normalisation, Thai/Latin split, words, syllables, join). Lossless: for every
    text the tokens, joined back, give the input -- a segmenter may cut text, never change it.
    """
    rows = []
    normalised = [_norm(t) for t in texts]  # same input for all, normalising is not timed
    for name, seg in word_segmenters().items():
        seg(texts[0])  # load dictionaries outside the timing
        count = sum(len(_word_tokens(seg, t)) for t in normalised)
        bad = sum("".join(seg(t)).replace(" ", "") != t.replace(" ", "") for t in normalised)
        seconds = _best_of(runs, lambda seg=seg: [seg(t) for t in normalised])
        rows.append((name, count, seconds, "yes" if not bad else f"NO ({bad} texts)"))
    for backend in ("nlpo3", "pythainlp"):
        thaisearch.tokens(texts[0], backend)
        count = sum(len(thaisearch.tokens(t, backend)) for t in texts)
        seconds = _best_of(
            runs, lambda b=backend: [thaisearch.index_text(t, backend=b) for t in texts]
        )
        rows.append(
            (f"thaisearch.index_text, {backend} (words + syllables)", count, seconds, "n/a")
        )
    return rows


def measure_quality(listings: list[Listing]) -> list[tuple[str, str, str, str]]:
    """(approach, key requirement, pairs, generic-query recall on titles)."""
    rows = []
    titles = [(lst.title, PRODUCTS[lst.product][1]) for lst in listings]
    for name, match in matchers().items():
        key = all(match("น้ำพริก", d) for d in ("น้ำพริกเผา", "น้ำพริกตาแดง"))
        pos = sum(match(q, d) for q, d in POSITIVE_PAIRS)
        neg = sum(match(q, d) for q, d in NEGATIVE_PAIRS)
        hits = total = 0
        for title, generics in titles:
            for q in generics:
                total += 1
                hits += match(q, title)
        rows.append(
            (
                name,
                "yes" if key else "NO",
                f"{pos}/{len(POSITIVE_PAIRS)} found, {neg}/{len(NEGATIVE_PAIRS)} wrong hits",
                f"{hits / total:.1%} of {total}",
            )
        )
    return rows


def backend_agreement(texts: list[str]) -> float:
    same = sum(
        thaisearch.index_text(t, backend="nlpo3") == thaisearch.index_text(t, backend="pythainlp")
        for t in texts
    )
    return same / len(texts)


def fts5_check(listings: list[Listing]) -> tuple[int, int]:
    """Run every generic query through a real FTS5 table; (queries, disagreements with Python)."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE products USING fts5("
        "title, body, tokenize=\"unicode61 categories 'L* N* Co M*'\")"
    )
    db.executemany(
        "INSERT INTO products(rowid, title, body) VALUES (?, ?, ?)",
        [
            (i, thaisearch.index_text(x.title), thaisearch.index_text(x.description))
            for i, x in enumerate(listings)
        ],
    )
    phrase = matchers()["syllables: nlpo3 (chosen design)"]
    queries = sorted({q for _, generics in PRODUCTS for q in generics})
    bad = 0
    for q in queries:
        got = {
            r[0] for r in db.execute("SELECT rowid FROM products(?)", (thaisearch.fts5_match(q),))
        }
        want = {i for i, x in enumerate(listings) if phrase(q, x.title) or phrase(q, x.description)}
        bad += got != want
    return len(queries), bad


def pg_check(dsn: str, listings: list[Listing]) -> tuple[str, int, int]:
    """Same as :func:`fts5_check` on PostgreSQL (a TEMP table, nothing persists)."""
    import psycopg

    phrase = matchers()["syllables: nlpo3 (chosen design)"]
    queries = sorted({q for _, generics in PRODUCTS for q in generics})
    bad = 0
    with psycopg.connect(dsn) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        ctype = conn.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
        version += f", lc_ctype {ctype.fetchone()[0]}"
        conn.execute("CREATE TEMP TABLE products (id int, search tsvector)")
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO products VALUES (%s, to_tsvector('simple', %s))",
                [
                    (i, thaisearch.index_text(x.title, x.description))
                    for i, x in enumerate(listings)
                ],
            )
        for q in queries:
            rows = conn.execute(
                "SELECT id FROM products WHERE search @@ to_tsquery('simple', %s)",
                (thaisearch.pg_tsquery(q),),
            )
            got = {r[0] for r in rows}
            want = {i for i, x in enumerate(listings) if phrase(q, f"{x.title} {x.description}")}
            bad += got != want
    return version, len(queries), bad


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg", metavar="DSN", help="also check queries on this PostgreSQL")
    args = parser.parse_args(argv)

    listings = generate(args.products)
    texts = [x.title for x in listings] + [x.description for x in listings]
    chars = sum(map(len, texts))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"corpus: {len(listings)} listings, {len(texts)} texts, {chars:,} characters\n")

    print("| segmenter | tokens | best of runs (s) | tokens/s | chars/s | lossless |")
    print("|---|---:|---:|---:|---:|---|")
    for name, count, seconds, lossless in measure_speed(texts, args.runs):
        print(
            f"| {name} | {count:,} | {seconds:.3f} | {count / seconds:,.0f} "
            f"| {chars / seconds:,.0f} | {lossless} |"
        )

    print("\n| approach | น้ำพริก finds เผา and ตาแดง | hand-made pairs | generic queries |")
    print("|---|---|---|---|")
    for row in measure_quality(listings):
        print("| " + " | ".join(row) + " |")

    print(
        f"\nnlpo3 and pythainlp backends give identical index text for "
        f"{backend_agreement(texts):.2%} of texts"
    )
    n, bad = fts5_check(listings)
    print(f"SQLite {sqlite3.sqlite_version} FTS5: {n} queries, {bad} disagreements with Python")

    if args.pg:
        version, n, bad = pg_check(args.pg, listings)
        print(f"PostgreSQL {version}: {n} queries, {bad} disagreements with Python")

    qs = [q for _, g in PRODUCTS for q in g] + [q for q, _ in POSITIVE_PAIRS]
    per_query = [_best_of(args.runs, lambda q=q: thaisearch.query_terms(q)) * 1e6 for q in qs]
    print(f"query_terms: median {statistics.median(per_query):.0f} µs per query")


if __name__ == "__main__":
    main()
