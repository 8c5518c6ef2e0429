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

Explicit registration keeps geo and core ignorant of the pillars that extend them.
"""

from __future__ import annotations

from collections.abc import Callable

AreaPanel = Callable[..., str]

area_panels: list[AreaPanel] = []
demo_loaders: list[Callable] = []
serve_processes: list[list[str]] = []
public_media_folders: list[str] = []
personal_data_purgers: list[Callable] = []
person_erasers: list[Callable] = []


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
