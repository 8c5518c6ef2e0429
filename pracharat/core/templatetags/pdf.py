"""``{% pdf_static "core/pdf.css" %}``: the file URL of a static file, for templates that
``core.pdf.render_pdf`` turns into a PDF (WeasyPrint reads files, not our web server)."""

from __future__ import annotations

from django import template

from pracharat.core.pdf import static_file_url

register = template.Library()


@register.simple_tag
def pdf_static(path: str) -> str:
    return static_file_url(path)
