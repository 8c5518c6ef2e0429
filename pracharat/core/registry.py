"""Where pillars plug into the shared pages and commands, called from each AppConfig.ready().

- ``area_panel(fn)``: ``fn(request, code) -> str`` renders the pillar's section of an area page
  (province, district, sub-district, village); "" shows nothing.
- ``demo_loader(fn)``: ``fn(stdout)`` loads the pillar's demo, after the foundation's.
- ``serve_process(argv)``: a ``pracharat`` sub-command that ``pracharat serve`` runs beside the
  web app for as long as it runs (the RADIUS listener, a worker).
- ``public_media(folder)``: a folder of ``MEDIA_ROOT`` that ``/media/`` may serve to anyone
  (product photos, group logos); nothing else under ``/media/`` is served.
- ``personal_data_purger(fn)``: ``fn(now) -> {what: count}`` anonymises or deletes the pillar's
  personal data past its retention (``core.personal_data.purge_personal_data``).
- ``person_eraser(fn)``: ``fn(phone=..., email=...) -> {what: count}`` erases one person's data
  from the pillar, before their account is (``core.personal_data.erase_person``).
- ``area_numbers(pillar, fn)``: ``fn(code, period) -> [Number]`` the pillar's public figures
  for an area and a period (``core.numbers``).
- ``province_numbers(pillar, fn)``: ``fn(period, codes) -> {code: [Number]}`` the same figures
  for many provinces at once, in a fixed number of queries (``core.numbers.by_province``).

The apps themselves come from ``settings.PRACHARAT_APPS`` (``pracharat_apps()``): their URLs,
API routers and navigation follow by convention (``url_prefix``, ``nav_links``).

Explicit registration keeps geo and core ignorant of the pillars that extend them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import AppConfig

AreaPanel = Callable[..., str]

area_panels: list[AreaPanel] = []
demo_loaders: list[Callable] = []
serve_processes: list[list[str]] = []
public_media_folders: list[str] = []
personal_data_purgers: list[Callable] = []
person_erasers: list[Callable] = []
area_number_sources: list[tuple[str, Callable]] = []
province_number_sources: dict[str, Callable] = {}


def area_panel(fn: AreaPanel) -> AreaPanel:
    if fn not in area_panels:
        area_panels.append(fn)
    return fn


def demo_loader(fn: Callable) -> Callable:
    if fn not in demo_loaders:
        demo_loaders.append(fn)
    return fn


def serve_process(argv: list[str]) -> None:
    if argv not in serve_processes:
        serve_processes.append(list(argv))


def public_media(folder: str) -> None:
    folder = folder.strip("/") + "/"
    if folder not in public_media_folders:
        public_media_folders.append(folder)


def personal_data_purger(fn: Callable) -> Callable:
    if fn not in personal_data_purgers:
        personal_data_purgers.append(fn)
    return fn


def person_eraser(fn: Callable) -> Callable:
    if fn not in person_erasers:
        person_erasers.append(fn)
    return fn


def area_numbers(pillar: str, fn: Callable) -> Callable:
    """Register ``fn(code, period) -> [Number]`` as ``pillar``'s numbers (``core.numbers``)."""
    if (pillar, fn) not in area_number_sources:
        area_number_sources.append((pillar, fn))
    return fn


def province_numbers(pillar: str, fn: Callable) -> Callable:
    """Register ``fn(period, codes) -> {province code: [Number]}``: ``pillar``'s numbers for
    every province of ``codes`` at once, the same as its ``area_numbers`` for each, in a fixed
    number of queries (``core.numbers.by_province``)."""
    province_number_sources[pillar] = fn
    return fn


def pracharat_apps() -> list[AppConfig]:
    """The platform's own apps, in ``settings.PRACHARAT_APPS`` order (core is not one)."""
    from django.apps import apps
    from django.conf import settings

    return [apps.get_app_config(label) for label in settings.PRACHARAT_APPS]


def url_prefix(config: AppConfig) -> str:
    """Where an app's ``urls.py`` is mounted: ``<label>/``, or its ``AppConfig.url_prefix``."""
    return getattr(config, "url_prefix", f"{config.label}/")


def nav_links() -> list[tuple[str, str]]:
    """``(url name, label)`` of the top navigation: each app's ``AppConfig.nav``, in order."""
    return [link for config in pracharat_apps() for link in getattr(config, "nav", ())]
