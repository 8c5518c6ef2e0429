"""Thai PDFs from Django templates.

WeasyPrint lays out the HTML and CSS of a template (Pango and HarfBuzz shape Thai, libthai
breaks lines between words, never inside one), with the Sarabun font shipped in
``core/static/core/fonts`` (SIL OFL 1.1) and embedded in every PDF: the same look on every
machine, and no system font is ever used for text (the fonts are declared once, in
``core/pdf-fonts.css``, see :func:`_fonts`).

To make a PDF, write a template that extends ``core/pdf/base.html`` and return::

    return pdf_response(render_pdf("app/pdf/thing.html", context, request), "thing-42.pdf")

What a PDF may load is limited by :class:`StaticFilesFetcher`: ``data:`` URIs and files of
the static directories, nothing from the network, no other file. Reference static files
with ``{% pdf_static "app/file.css" %}`` (``{% load pdf %}``), which gives their file URL.

Text extraction (copy and paste, search, screen readers, ``pdftotext``): a PDF font maps each
glyph to one text, once. HarfBuzz writes SARA AM (ำ) as NIKHAHIT + SARA AA, so the glyph of
SARA AA (า) also stands for part of ำ, and tone marks that it moves into that cluster lose
their own text: น้ำพริกตาแดง came out as น้ำพริกต้ำแดง. Every line of text is therefore also
marked with its exact text as ``/ActualText`` (ISO 32000-1 §14.9.4), which readers use
instead of the glyph map; see :func:`_mark_lines_with_their_text`.
"""

from __future__ import annotations

import mimetypes
import threading
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pydyf
import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from weasyprint.draw import text as weasyprint_text
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

__all__ = [
    "PdfError",
    "ResourceRefused",
    "StaticFilesFetcher",
    "html_to_pdf",
    "pdf_response",
    "render_pdf",
    "static_file_url",
]


class PdfError(Exception):
    """The PDF could not be made (a resource was refused or could not be read)."""


class ResourceRefused(ValueError):
    """A template asked for something a PDF may not load."""


def static_roots() -> list[Path]:
    """The directories whose files a PDF may load: every static directory the staticfiles
    finders search (each app's ``static/``, ``STATICFILES_DIRS``) and ``STATIC_ROOT``."""
    roots = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location).resolve())
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def static_file_url(path: str) -> str:
    """The ``file:`` URL of a static file (``core/fonts/Sarabun-Regular.ttf``), for templates
    rendered to PDF. Raises :class:`ResourceRefused` when no static directory has it."""
    found = finders.find(path)
    if not found:
        raise ResourceRefused(f"No static file {path!r}.")
    return Path(found).resolve().as_uri()


class StaticFilesFetcher(URLFetcher):
    """Gives WeasyPrint ``data:`` URIs and files under :func:`static_roots`, nothing else:
    no http(s), ftp or other scheme, and no file outside those directories (``..`` and
    symbolic links are resolved before the check). Any refusal stops the rendering
    (:func:`render_pdf` raises :class:`PdfError`): a PDF silently missing its font or an
    image would be worse than an error."""

    def __init__(self, roots: list[Path] | None = None):
        super().__init__(
            allowed_protocols={"data", "file"}, allow_redirects=False, fail_on_errors=True
        )
        self.roots = static_roots() if roots is None else [Path(r).resolve() for r in roots]

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self.allowed_path(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
            )
        raise ResourceRefused(f"A PDF loads no {scheme or 'relative'} URL: {url[:200]}")

    def allowed_path(self, url: str) -> Path:
        """The file a ``file:`` URL names, if it lies in a static directory."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ResourceRefused(f"A PDF loads no file from another host: {url[:200]}")
        try:
            path = Path(url2pathname(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError):
            raise ResourceRefused(f"No such file: {url[:200]}") from None
        if not path.is_file() or not any(path.is_relative_to(root) for root in self.roots):
            raise ResourceRefused(f"A PDF loads only static files: {url[:200]}")
        return path


def render_pdf(template_name: str, context: dict | None = None, request=None) -> bytes:
    """Render a template (one extending ``core/pdf/base.html``) to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context, request))


def html_to_pdf(html: str) -> bytes:
    """Lay out an HTML document as PDF, in Sarabun; it loads only what
    :class:`StaticFilesFetcher` allows."""
    try:
        font_config, fonts = _fonts()
        document = weasyprint.HTML(string=html, url_fetcher=StaticFilesFetcher())
        return document.write_pdf(stylesheets=[fonts], font_config=font_config)
    except FatalURLFetchingError as exc:  # a BaseException: never let it past a view
        raise PdfError(str(exc.__cause__ or exc)) from exc.__cause__


_local = threading.local()


def _fonts() -> tuple[FontConfiguration, weasyprint.CSS]:
    """The font configuration with Sarabun (``core/pdf-fonts.css``) loaded, made once per
    thread: loading the @font-face rules writes the fonts out for fontconfig, a third to a
    half of a small document's time when done for every one (docs/benchmarks.md). Per
    thread, as fontconfig state is not shared between threads."""
    if getattr(_local, "fonts", None) is None:
        font_config = FontConfiguration()
        css = weasyprint.CSS(
            url=static_file_url("core/pdf-fonts.css"),
            font_config=font_config,
            url_fetcher=StaticFilesFetcher(),
        )
        _local.fonts = (font_config, css)
    return _local.fonts


def pdf_response(content: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    """A PDF shown in the browser (``inline``; ``attachment`` downloads it) under
    ``filename``. Private and not stored: receipts and labels carry names and addresses,
    and a village service point's computer is shared."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- Exact text for every line ---------------------------------------------------------------


def _mark_lines_with_their_text() -> None:
    """Wrap WeasyPrint's drawing of a line of text in a marked-content span carrying the
    line's text as ``/ActualText`` (the glyphs still draw as shaped). Done once, at import;
    the pdftotext tests of ``core.tests.test_pdf`` fail if a WeasyPrint upgrade moves it."""
    draw_first_line = weasyprint_text.draw_first_line
    if getattr(draw_first_line, "marks_actual_text", False):
        return

    def draw_line_with_actual_text(stream, textbox, *args, **kwargs):
        if not textbox.text.strip():  # drawn as nothing
            return draw_first_line(stream, textbox, *args, **kwargs)
        text = pydyf.Dictionary({"ActualText": pydyf.String(textbox.text)})
        stream.begin_marked_content("Span", text)
        try:
            return draw_first_line(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw_line_with_actual_text.marks_actual_text = True
    weasyprint_text.draw_first_line = draw_line_with_actual_text


_mark_lines_with_their_text()
