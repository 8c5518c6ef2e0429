"""Generations: shared numbers for cache keys that never hand out the same number twice."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from pracharat.core.generations import Generation


def test_a_bump_always_gives_a_number_never_seen_before():
    generation = Generation("test:generation:bumps")
    cache.delete(generation.key)
    seen = [generation.current()]
    assert generation.current() == seen[0]  # stable until bumped
    for _ in range(500):
        generation.bump()
        seen.append(generation.current())
    assert seen == sorted(seen) and len(set(seen)) == len(seen)


def test_a_lost_key_starts_again_above_every_number_counted_before():
    generation = Generation("test:generation:lost")
    cache.delete(generation.key)
    for _ in range(50):
        generation.bump()
    last = generation.current()
    cache.delete(generation.key)  # evicted
    generation.bump()  # a bump of a missing key starts afresh
    assert generation.current() > last
    cache.delete(generation.key)
    assert generation.current() > last


@pytest.mark.django_db(transaction=True)
def test_bump_for_write_bumps_now_and_again_when_the_write_commits():
    from django.db import transaction

    g = Generation("test:bump-for-write")
    start = g.current()
    with transaction.atomic():
        g.bump_for_write()
        inside = g.current()
        assert inside > start  # the writer's own reads see a new number at once
    assert g.current() > inside  # and readers of the old data meanwhile are not read again


def test_current_many_reads_each_as_current_does_and_starts_the_missing_ones():
    kept, lost = Generation("test:many:kept"), Generation("test:many:lost")
    cache.delete_many([kept.key, lost.key])
    before = kept.current()
    kept.bump()
    assert Generation.current_many([kept, lost]) == [before + 1, lost.current()]
    assert Generation.current_many([lost]) == [lost.current()]  # started once, then stable
    assert Generation.current_many([]) == []
