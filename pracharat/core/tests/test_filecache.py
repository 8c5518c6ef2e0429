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
