"""core.filecache: Django's file cache, culled at most every CULL_SECONDS per folder."""

from pracharat.core import filecache


def test_culls_at_most_every_interval(tmp_path, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(filecache.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(filecache, "_last_cull", {})
    cache = filecache.FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 5}})

    def entries():
        return len(list(tmp_path.glob("*.djcache")))

    for i in range(20):  # one check at the first write, then none within the interval
        cache.set(f"k{i}", i)
    assert entries() == 20
    assert cache.get("k19") == 19
    clock[0] += filecache.CULL_SECONDS + 1
    cache.set("k20", 20)  # checks again: a third of the 20 culled first, as Django's does
    assert entries() == 20 - 20 // 3 + 1
    assert cache.get("k20") == 20


def test_culls_the_expired_then_the_nearest_to_expiring_and_keeps_generations(
    tmp_path, monkeypatch
):
    wall = [1_000_000.0]
    monkeypatch.setattr(filecache.time, "time", lambda: wall[0])
    monkeypatch.setattr(filecache, "_last_cull", {})
    cache = filecache.FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 30}})

    def entries():
        return len(list(tmp_path.glob("*.djcache")))

    def cull_now(key):
        filecache._last_cull.clear()
        cache.set(key, key, 7200)

    for i in range(10):
        cache.set(f"generation{i}", i, None)  # no timeout, as core.generations stores them
        cache.set(f"short{i}", i, 60)
        cache.set(f"long{i}", i, 3600 + i)
    wall[0] += 120
    cull_now("x")  # 30 entries: the 10 expired go, and nothing that is still current
    assert entries() == 21
    assert all(cache.get(f"short{i}") is None for i in range(10))
    assert all(cache.get(f"long{i}") == i for i in range(10))

    for i in range(10, 19):
        cache.set(f"long{i}", i, 3600 + i)  # 30 again, none expired
    cull_now("y")  # a third goes: the ten nearest to expiring
    assert entries() == 21
    assert all(cache.get(f"long{i}") is None for i in range(10))
    assert all(cache.get(f"long{i}") == i for i in range(10, 19))
    assert all(cache.get(f"generation{i}") == i for i in range(10))  # kept while others are left
    assert cache.get("x") == "x"
