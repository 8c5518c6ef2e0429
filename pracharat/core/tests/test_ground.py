"""Core is the ground floor: no module of core imports an app, core's templates name no app's
URL, and every app is wired from the one list, ``settings.PRACHARAT_APPS``."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from pracharat import urls
from pracharat.api import api
from pracharat.core import checks, registry

CORE = Path(__file__).resolve().parents[1]
ALLOWED = ("pracharat.core", "pracharat.settings")


def imported_modules(source: str, module: str) -> set[str]:
    """Every module ``source`` (the text of ``module``) imports: import statements (relative
    ones resolved) and literal ``import_module("…")`` / ``__import__("…")`` calls."""
    found = set()
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            if name in ("import_module", "__import__") and isinstance(first, ast.Constant):
                found.add(str(first.value))
    return found


def app_imports(source: str, module: str) -> set[str]:
    return {
        name
        for name in imported_modules(source, module)
        if (name == "pracharat" or name.startswith("pracharat."))
        and name != "pracharat"
        and not name.startswith(ALLOWED)
    }


def core_modules():
    """Every Python module of core, except its tests (which drive the whole site)."""
    for path in sorted(CORE.rglob("*.py")):
        relative = path.relative_to(CORE.parent.parent)
        if "tests" in relative.parts:
            continue
        yield ".".join(relative.with_suffix("").parts).removesuffix(".__init__"), path


def test_the_reader_sees_every_kind_of_import():
    source = """
import pracharat.geo.models
from pracharat.accounts import scoping
from ..market import actions
from . import registry
from .lib import area
import_module("pracharat.network.api")
"""
    found = app_imports(source, "pracharat.core.views")
    assert found >= {
        "pracharat.geo.models",
        "pracharat.accounts",
        "pracharat.market",
        "pracharat.network.api",
    }
    assert not {"pracharat.core", "pracharat.core.registry", "pracharat.core.lib.area"} & found


def test_no_module_of_core_imports_an_app():
    offending = {
        module: sorted(found)
        for module, path in core_modules()
        if (found := app_imports(path.read_text(encoding="utf-8"), module))
    }
    assert len(list(core_modules())) > 20  # the walk found core
    assert offending == {}


URL_TAG = re.compile(r"""{%\s*url\s+['"]([\w-]+):""")
TEMPLATE_TAG = re.compile(r"""{%\s*(?:include|extends)\s+['"](\w+)/""")


def test_core_templates_name_no_app():
    labels = {config.label for config in apps.get_app_configs()} - {"core"}
    offending = []
    for path in sorted((CORE / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for name in URL_TAG.findall(text) + TEMPLATE_TAG.findall(text):
            if name in labels or name in settings.PRACHARAT_APPS:
                offending.append(f"{path.name}: {name}")
    assert offending == []


def test_installed_apps_follow_the_list():
    ours = [name for name in settings.INSTALLED_APPS if name.startswith("pracharat.")]
    assert ours == ["pracharat.core", *(f"pracharat.{app}" for app in settings.PRACHARAT_APPS)]


def test_urls_and_api_routers_follow_the_list():
    mounted = [str(pattern.pattern) for pattern in urls.app_urls()]
    assert mounted == ["geo/", "accounts/", "network/", "market/", ""]
    assert reverse("home:index") == "/" and reverse("geo:country") == "/geo/"
    routers = [prefix.strip("/") for prefix, _router in api._routers if prefix]
    labels = [c.label for c in registry.pracharat_apps() if c.label != "home"]  # no api.py
    assert routers == [*labels, "areas"]
    with override_settings(PRACHARAT_APPS=["geo", "market"]):
        assert [str(p.pattern) for p in urls.app_urls()] == ["geo/", "market/"]


def test_nav_follows_the_list(client, db):
    assert registry.nav_links()[0][0] == "geo:country"
    assert [url for url, _label in registry.nav_links()] == [
        "geo:country",
        "network:index",
        "market:index",
        "oversight:index",
    ]
    with override_settings(PRACHARAT_APPS=["market", "geo"]):
        page = client.get("/").content.decode()
    nav = page[page.index("<nav") : page.index("</nav>")]
    assert nav.index('href="/market/"') < nav.index('href="/geo/"')
    assert 'href="/network/"' not in nav


def test_make_derives_its_apps_from_the_list():
    out = subprocess.run(
        ["make", "-s", "apps"], cwd=CORE.parents[1], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["core", *settings.PRACHARAT_APPS]


def test_the_user_model_offers_what_core_asks(monkeypatch):
    assert checks.user_model_offers_what_core_asks() == []

    class Bare:
        _default_manager = object()

    monkeypatch.setattr("django.contrib.auth.get_user_model", lambda: Bare)
    errors = checks.user_model_offers_what_core_asks()
    assert [e.id for e in errors] == ["pracharat.E003", "pracharat.E003"]
    assert "area_codes" in errors[0].msg and "erase_accounts" in errors[1].msg


@pytest.mark.parametrize("template", ["404.html", "base.html", "413.html"])
def test_core_pages_link_home_through_the_context(template):
    text = (CORE / "templates" / template).read_text(encoding="utf-8")
    assert "{{ home_url }}" in text
