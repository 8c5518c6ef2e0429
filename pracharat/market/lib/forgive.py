"""Forgiving search terms: English inflection and spelling variants, and the closest
title word for a misspelt one. Pure: no Django.

A query word is searched as itself OR its variants, so ``jars`` finds ``jar`` and
``colour`` finds ``color``; a Thai run that no title contains is matched against the title
vocabulary by edit distance (a missing or wrong tone mark, a missing vowel, a dropped letter
each cost 1, as does swapping two letters), so ``นำพริก`` finds ``น้ำพริก`` and the page
can say "did you mean".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

#: British <-> American spellings we see in product names, as word endings.
_SPELLING = [("our", "or"), ("ise", "ize"), ("tre", "ter"), ("ll", "l"), ("ey", "ay")]
_SIBILANT = re.compile(r"(s|x|z|ch|sh)$")
_THAI_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0e30\u0e32\u0e33\u0e40-\u0e44]")


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("es") and _SIBILANT.search(word[:-2]):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _plurals(word: str) -> set[str]:
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return {word[:-1] + "ies"}
    if _SIBILANT.search(word):
        return {word + "es"}
    return {word + "s"}


def canonical(word: str) -> str:
    """One form per English word (singular, -or/-ize/-er spelling): synonym keys use it."""
    if not word.isascii() or not word.isalpha():
        return word
    word = _singular(word)
    for british, american in _SPELLING:
        if len(word) > len(british) + 2 and word.endswith(british):
            return word[: -len(british)] + american
    return word


def english_variants(word: str) -> list[str]:
    """``word`` and its other inflections and spellings, ``word`` first.

    ``jars`` -> ``jars, jar``; ``colour`` -> ``colour, color, colours, colors``.
    Not for Thai or numbers (returned alone).
    """
    if not word.isascii() or not word.isalpha() or len(word) < 3:
        return [word]
    bases = {_singular(word)}
    for base in list(bases):
        for british, american in _SPELLING:
            if len(base) > 4:
                if base.endswith(british):
                    bases.add(base[: -len(british)] + american)
                elif base.endswith(american) and british != "ll":
                    bases.add(base[: -len(american)] + british)
    forms = bases | {word}
    for base in bases:
        forms |= _plurals(base)
    return [word, *sorted(forms - {word})]


def _skeleton(text: str) -> str:
    """Consonants only: equal skeletons differ only in vowels and tone marks."""
    return _THAI_MARKS.sub("", text)


def closest(word: str, vocabulary: Iterable[str], limit: int = 8) -> str | None:
    """The vocabulary word nearest ``word`` by edit distance, or None.

    At most 1 edit for words of up to 5 characters, 2 beyond; among equals, one that
    differs only in vowels and tone marks (same consonants), then the nearest length.
    """
    if len(word) < 3:
        return None
    cutoff = 1 if len(word) <= 5 else 2
    found = process.extract(word, vocabulary, scorer=OSA.distance, score_cutoff=cutoff, limit=limit)
    found = [(candidate, distance) for candidate, distance, _ in found if candidate != word]
    if not found:
        return None
    skeleton = _skeleton(word)
    best = min(
        found,
        key=lambda c: (c[1], _skeleton(c[0]) != skeleton, abs(len(c[0]) - len(word)), c[0]),
    )
    return best[0]


def title_words(title_tokens: str) -> set[str]:
    """The vocabulary of one indexed title: runs of 1-4 adjacent Thai syllables written
    together (``น้ำ พริก เผา`` -> ``น้ำพริก``, ``พริกเผา`` ...) and each Latin word."""
    words: set[str] = set()
    run: list[str] = []

    def flush():
        for n in range(1, 5):
            for i in range(len(run) - n + 1):
                words.add("".join(run[i : i + n]))
        run.clear()

    for token in title_tokens.split():
        if token.isascii():
            flush()
            if token.isalpha() and len(token) > 2:
                words.add(token)
        else:
            run.append(token)
    flush()
    return {w for w in words if 2 < len(w) <= 100}
