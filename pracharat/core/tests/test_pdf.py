"""core.pdf: Thai text comes back exactly, Sarabun is embedded, lines break between words,
and a PDF loads nothing but data: URIs and static files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template

from pracharat.core import pdf
from pracharat.core.tests.pdf_tools import page_count, pdf_fonts, pdf_text, words

FONTS = Path(pdf.__file__).parent / "static" / "core" / "fonts"

#: Tone marks, vowels above and below, SARA AM after a tone mark and alone.
THAI = ["น้ำพริกตาแดง แม่บุญมี", "ตำบลบ้านคลองเมม", "ผู้รับ", "ที่อยู่ผู้ส่ง", "ต่ำกว่า ๑๐๐ บาท"]


def thai_pdf(body: str, **context) -> bytes:
    page = Template(
        "{% extends 'core/pdf/base.html' %}{% block content %}" + body + "{% endblock %}"
    )
    return pdf.html_to_pdf(page.render(Context(context)))


def test_thai_text_comes_back_exactly():
    document = thai_pdf(
        "<h1>{{ lines.0 }}</h1>{% for line in lines %}<p>{{ line }}</p>{% endfor %}"
        "<p><b>{{ lines.2 }}</b>: {{ lines.1 }}</p>",
        lines=THAI,
    )
    text = words(pdf_text(document))
    for line in THAI:
        assert words(line) in text
    assert f"{THAI[2]}: {THAI[1]}" in text
    # The glyph map alone would give back ต้ำแดง for ตาแดง (see core.pdf): the exact text
    # of every line is there, and nothing else.
    assert "ต้ำ" not in text
    assert text == " ".join([THAI[0], *THAI, f"{THAI[2]}: {THAI[1]}", "1 / 1"])


def test_only_the_shipped_sarabun_is_used_and_embedded():
    fonts = pdf_fonts(thai_pdf("<p>{{ a }}</p><p><strong>{{ b }}</strong></p>", a=THAI[0], b="ผู้รับ"))
    names = {re.sub(r"^[A-Z]{6}\+", "", f["name"]) for f in fonts}
    assert names == {"Sarabun", "Sarabun-Bold"}
    assert all(f["emb"] == "yes" for f in fonts)
    assert {f["type"] for f in fonts} == {"CID TrueType"}
    assert (FONTS / "OFL.txt").read_text().startswith("Copyright 2018 The Sarabun Project")


#: Thai words written without spaces, as Thai is: a line may only end between two of them.
#: All are in libthai's dictionary; a name that is not (เมม) may be broken inside.
PARAGRAPH_WORDS = str.split(
    "กลุ่ม อาชีพ ทำ น้ำพริก ของ บ้าน ริม คลอง ส่ง ขาย ทั่ว ประเทศ ผ่าน อินเทอร์เน็ต ประชารัฐ "
    "โดย ใช้ พริก ที่ ปลูก เอง ใน หมู่บ้าน และ ส่ง ทาง ไปรษณีย์ ไทย ทุก วัน จันทร์ ถึง ศุกร์"
)


def test_long_thai_paragraph_breaks_lines_between_words_only():
    paragraph = "".join(PARAGRAPH_WORDS) * 3
    document = thai_pdf('<p style="width: 42mm">{{ p }}</p>', p=paragraph)
    lines = [line for line in pdf_text(document).splitlines() if line.strip()][:-1]
    assert len(lines) > 8
    assert "".join(lines) == paragraph
    boundaries, position = set(), 0
    for word in PARAGRAPH_WORDS * 3:
        position += len(word)
        boundaries.add(position)
    position = 0
    for line in lines[:-1]:
        position += len(line)
        assert position in boundaries, f"broken inside a word: {line!r}"


def test_a_long_document_flows_onto_more_pages():
    document = thai_pdf(
        "{% for i in rows %}<p>{{ i }} {{ line }}</p>{% endfor %}", rows=range(120), line=THAI[0]
    )
    assert page_count(document) >= 3
    assert words(pdf_text(document)).count(THAI[0]) == 120


# --- What a PDF may load --------------------------------------------------------------------


def test_fetcher_reads_static_files_and_data_uris():
    fetcher = pdf.StaticFilesFetcher()
    font = fetcher.fetch(pdf.static_file_url("core/fonts/Sarabun-Regular.ttf"))
    assert font.read() == (FONTS / "Sarabun-Regular.ttf").read_bytes()
    assert fetcher.fetch("data:text/plain;base64,4LiZ4LmJ4Liz").read().decode() == "น้ำ"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8141/static/core/site.css",
        "https://example.org/logo.png",
        "ftp://example.org/x",
        "/static/core/site.css",
        "file:///etc/passwd",
        "file://otherhost/static/core/pdf.css",
        "file:///no/such/file.css",
    ],
)
def test_fetcher_refuses_the_network_and_files_outside_static(url):
    with pytest.raises(pdf.ResourceRefused):
        pdf.StaticFilesFetcher().fetch(url)


def test_fetcher_refuses_paths_that_climb_or_link_out_of_a_static_directory(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "ok.css").write_text("p {}")
    (tmp_path / "secret.txt").write_text("no")
    (static / "link.txt").symlink_to(tmp_path / "secret.txt")
    fetcher = pdf.StaticFilesFetcher(roots=[static])
    assert fetcher.fetch((static / "ok.css").as_uri()).read() == b"p {}"
    for url in (
        (static / "..").as_uri() + "/secret.txt",
        (static / "%2e%2e" / "secret.txt").as_uri().replace("%252e", "%2e"),
        (static / "link.txt").as_uri(),
        static.as_uri(),
    ):
        with pytest.raises(pdf.ResourceRefused):
            fetcher.fetch(url)


def test_a_template_asking_for_a_remote_or_local_file_is_not_rendered():
    for src in ("http://127.0.0.1:8141/x.png", "file:///etc/hostname"):
        with pytest.raises(pdf.PdfError, match="loads"):
            thai_pdf('<p><img src="{{ src }}" alt=""></p>', src=src)
    with pytest.raises(pdf.ResourceRefused):
        pdf.static_file_url("core/no-such.css")


def test_pdf_response_is_inline_named_and_private():
    response = pdf.pdf_response(b"%PDF-1.7", "receipt-PR-ACDE3467.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="receipt-PR-ACDE3467.pdf"'
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    download = pdf.pdf_response(b"%PDF-1.7", "label.pdf", attachment=True)
    assert download["Content-Disposition"] == 'attachment; filename="label.pdf"'
