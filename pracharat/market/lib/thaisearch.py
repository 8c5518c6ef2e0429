"""Thai-aware text for full-text search (SQLite FTS5 and PostgreSQL).

Thai is written without spaces between words, and both FTS5 and PostgreSQL only split on
spaces and punctuation, so product text must be segmented before it is indexed. Segmenting
into *words* is not enough: a dictionary segmenter keeps the compound ``น้ำพริกเผา`` (roasted
chili paste) as one word while ``น้ำพริกตาแดง`` becomes ``น้ำพริก`` + ``ตาแดง``, so a search for
``น้ำพริก`` (chili paste) would find one and miss the other. See docs/thai-search.md for the
measurements behind the design, which is:

- **Index syllables.** Each Thai run is cut into dictionary words (newmm algorithm) and each
  word into syllables (the same algorithm over PyThaiNLP's syllable list), so ``น้ำพริกเผา`` is
  indexed as ``น้ำ พริก เผา``. Latin text is NFKC-normalised, case-folded, stripped of
  accents and split at letter/digit boundaries (``500g`` -> ``500 g``); Thai digits become
  ASCII digits.
- **Query phrases.** The query is segmented the same way; every query word becomes a phrase of
  its syllables (``"น้ำ พริก"``), and all phrases must match (AND). A phrase matches wherever
  those syllables stand next to each other, i.e. inside any compound, while syllable
  boundaries stop false hits such as ``ทอ`` (weave) inside ``ทอด`` (fried).

The text returned by :func:`index_text` contains only letters, marks and digits separated by
single spaces. The database must not split it again: FTS5's default ``unicode61`` tokenizer
cuts Thai at vowel and tone marks, so the table needs
``tokenize="unicode61 categories 'L* N* Co M*'"``; PostgreSQL's parser keeps the tokens
whole with the ``simple`` configuration (checked under C, C.UTF-8, en_US.UTF-8, th_TH.UTF-8).
Index and queries must use the same segmenter and dictionaries: changing either means
re-indexing.

Segmentation uses ``nlpo3`` (a Rust implementation of PyThaiNLP's newmm) with the word and
syllable lists that ship inside ``pythainlp``'s package data -- nothing is downloaded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

from pythainlp.util import normalize as thai_normalize

__all__ = [
    "Backend",
    "fts5_match",
    "index_text",
    "pg_tsquery",
    "query_terms",
    "segment_words",
    "tokens",
]

Backend = Literal["nlpo3", "pythainlp"]

#: Thai letters, vowels and marks -- not ฯ (0E2F), ฿ (0E3F), ๆ (0E46), ๏ (0E4F), ๚ ๛ (0E5A-B),
#: which are punctuation or symbols, nor Thai digits, which we turn into ASCII first.
_THAI = "\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e"
_RUNS = re.compile(rf"([{_THAI}]+)|([^{_THAI}]+)")
#: Letters (not Thai symbols such as ๆ or ฯ) or digits, split where they meet.
_LATIN_WORD = re.compile(r"[^\W_\d\u0e00-\u0e7f]+|\d+")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

#: Longest text we segment per call; product descriptions are far shorter. Guards the
#: segmenter (and the index) against pasted novels.
MAX_CHARS = 20_000


def _corpus_file(name: str) -> str:
    return str(resources.files("pythainlp") / "corpus" / name)


@cache
def _nlpo3_dicts() -> tuple[str, str]:
    import nlpo3

    names = ("pracharat_words_th", "pracharat_syllables_th")
    for name, filename in zip(names, ("words_th.txt", "syllables_th.txt"), strict=True):
        nlpo3.load_dict(_corpus_file(filename), name)  # no-op if the name is already loaded
    return names


@cache
def _segmenter(backend: Backend) -> tuple[Callable[[str], list[str]], Callable[[str], list[str]]]:
    """(words, syllables) functions for one Thai run / one Thai word.

    Splitting a word into syllables is memoised: product text repeats the same few thousand
    words; the cache made the pipeline 20 % (nlpo3) to 40 % (pythainlp) faster.
    """
    if backend == "nlpo3":
        import nlpo3

        words_dict, syllables_dict = _nlpo3_dicts()
        # Not safe=True: in nlpo3 1.4.0 it scrambles text longer than ~120 characters
        # (tokens no longer join back to the input); see docs/thai-search.md.
        return (
            lambda run: nlpo3.segment(run, words_dict),
            lru_cache(maxsize=65536)(lambda word: nlpo3.segment(word, syllables_dict)),
        )
    if backend == "pythainlp":
        from pythainlp.tokenize import syllable_dict_trie, word_tokenize

        return (
            lambda run: word_tokenize(run, engine="newmm"),
            lru_cache(maxsize=65536)(
                lambda word: word_tokenize(word, custom_dict=syllable_dict_trie(), engine="newmm")
            ),
        )
    raise ValueError(f"Unknown segmentation backend {backend!r}.")


def _fold_latin(text: str) -> str:
    """NFKC, case-fold and strip combining accents (``Café`` -> ``cafe``), for non-Thai runs.

    Never applied to Thai: NFKC would split SARA AM (``ำ``) into NIKHAHIT + SARA AA.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", stripped)


def segment_words(text: str, backend: Backend = "nlpo3") -> list[list[str]]:
    """Split ``text`` into words, each word a list of its index tokens.

    A Thai word yields its syllables (``น้ำพริก`` -> ``["น้ำ", "พริก"]``); a Latin word or a
    number yields itself, case-folded. Punctuation, symbols and spaces yield nothing.
    """
    text = thai_normalize(text[:MAX_CHARS].translate(_THAI_DIGITS))
    split_words, split_syllables = _segmenter(backend)
    words: list[list[str]] = []
    for thai, other in _RUNS.findall(text):
        if thai:
            for word in split_words(thai):
                syllables = [s for s in split_syllables(word) if s.strip()]
                if syllables:
                    words.append(syllables)
        else:
            folded = _fold_latin(other)
            words.extend([w] for w in _LATIN_WORD.findall(folded))
    return words


def tokens(text: str, backend: Backend = "nlpo3") -> list[str]:
    """The index tokens of ``text``, in order: Thai syllables, Latin words, numbers."""
    return [token for word in segment_words(text, backend) for token in word]


def index_text(*parts: str | None, backend: Backend = "nlpo3") -> str:
    """Space-joined tokens of all ``parts`` (title, description, ...), for the FTS column.

    Order and repetitions are kept: phrase queries need positions and ranking needs counts.
    Index title and description into separate columns if they should be weighted apart.
    """
    return " ".join(token for part in parts if part for token in tokens(part, backend))


def query_terms(q: str, backend: Backend = "nlpo3") -> list[str]:
    """The search terms of a query; a document matches when it contains every term.

    Each term is one query word written as its space-joined tokens, to be matched as a phrase
    (tokens adjacent and in order): ``"น้ำพริก OTOP"`` -> ``["น้ำ พริก", "otop"]``. Repeated
    terms are dropped.
    """
    return list(dict.fromkeys(" ".join(word) for word in segment_words(q, backend)))


def fts5_match(q: str, *, prefix_last: bool = False, backend: Backend = "nlpo3") -> str:
    """An FTS5 ``MATCH`` expression for ``q``: phrases joined by ``AND``; ``""`` if no terms.

    ``prefix_last`` makes the last token of the last term a prefix (search as you type).
    Use it as a bound parameter: ``... WHERE products_fts MATCH ?``.
    """
    terms = query_terms(q, backend)
    phrases = [f'"{term}"' for term in terms]  # tokens never contain quotes
    if phrases and prefix_last:
        phrases[-1] += "*"
    return " AND ".join(phrases)


def pg_tsquery(q: str, *, prefix_last: bool = False, backend: Backend = "nlpo3") -> str:
    """A query for PostgreSQL ``to_tsquery('simple', %s)``: ``'น้ำ' <-> 'พริก' & 'otop'``.

    Returns ``""`` when ``q`` has no terms (``to_tsquery`` of ``""`` matches nothing, with a
    notice). With Django: ``SearchQuery(pg_tsquery(q), search_type="raw", config="simple")``.
    """
    phrases = [[f"'{token}'" for token in term.split(" ")] for term in query_terms(q, backend)]
    if phrases and prefix_last:
        phrases[-1][-1] += ":*"
    return " & ".join(" <-> ".join(p) if len(p) == 1 else f"({' <-> '.join(p)})" for p in phrases)
