"""Where pillars plug into the shared pages and commands, called from each AppConfig.ready().

- ``area_panel(fn)``: ``fn(request, code) -> str`` renders the pillar's section of an area page
  (province, district, sub-district, village); "" shows nothing.
- ``demo_loader(fn)``: ``fn(stdout)`` loads the pillar's demo, after the foundation's.
- ``serve_process(argv)``: a ``pracharat`` sub-command that ``pracharat serve`` runs beside the
  web app for as long as it runs (the RADIUS listener, a worker).
- ``public_media(folder)``: a folder of ``MEDIA_ROOT`` that ``/media/`` may serve to anyone
  (product photos, group logos); nothing else under ``/media/`` is served.

Explicit registration keeps geo and core ignorant of the pillars that extend them.
"""

from __future__ import annotations

from collections.abc import Callable

AreaPanel = Callable[..., str]

area_panels: list[AreaPanel] = []
demo_loaders: list[Callable] = []
serve_processes: list[list[str]] = []
public_media_folders: list[str] = []


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
