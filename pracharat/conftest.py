"""Shared pytest fixtures: the real geography once per test database, and named people."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from pracharat import testing
from pracharat.geo.actions import load_geography
from pracharat.geo.models import Province


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_geography()


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield


@pytest.fixture
def geography(db):
    """The national geography (already loaded for `db` tests; reloaded after a flush)."""
    if not Province.objects.exists():
        load_geography()


@pytest.fixture
def ban_khlong_mem(geography):
    return testing.village_ban_khlong_mem()


@pytest.fixture
def phitsanulok_officer(geography):
    return testing.phitsanulok_officer()


@pytest.fixture
def chiangmai_officer(geography):
    return testing.chiangmai_officer()


@pytest.fixture
def inspector(geography):
    return testing.inspector()


@pytest.fixture
def nt_officer(geography):
    return testing.nt_officer()


@pytest.fixture
def volunteer(geography):
    return testing.volunteer()


@pytest.fixture
def buyer(geography):
    return testing.buyer()


@pytest.fixture
def thai(settings):
    """Requests in Thai (the default language)."""
    from django.utils import translation

    with translation.override("th"):
        yield


@pytest.fixture
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
