"""The visit report (an A4 Thai memo, read back with pdftotext) and the province report
(page, PDF, CSV/XLSX): contents, the overdue standing out, who may read them, query budgets."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.utils import translation

from pracharat.core.tests.pdf_tools import page_count, pdf_fonts, pdf_text, words
from pracharat.oversight.models import Category
from pracharat.oversight.tests.reports_fixtures import *  # noqa: F403
from pracharat.oversight.tests.reports_fixtures import CHANNEL, ONLINE, TRAINING

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thai", "fast_hashing")]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def in_thai(label) -> str:
    with translation.override("th"):
        return str(label)


def squeezed(text: str) -> str:
    """Without white space: a line wrapped inside a Thai phrase (Thai has no spaces between
    words) comes back from pdftotext with a line break there, every character in order."""
    return "".join(text.split())


def text_of(response) -> str:
    """The PDF's text in drawing order (``pdftotext -raw``): each table cell's lines in turn."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return words(pdf_text(response.content, raw=True))


def test_the_visit_report_is_a_thai_memo(khlong_mem_visit, inspector):
    response = signed_in(inspector).get(f"/oversight/visits/{khlong_mem_visit.pk}/report.pdf")
    text = text_of(response)
    assert "no-store" in response["Cache-Control"]
    # the memo's heading, in order, with the date in BE
    heading = (
        "บันทึกข้อความ ส่วนราชการ สำนักงานปลัดกระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม "
        f"(ผู้ตรวจราชการกระทรวง) ที่ ดศ {khlong_mem_visit.pk}/2563 วันที่ 24 กรกฎาคม 2563 "
        "เรื่อง รายงานผลการตรวจราชการจังหวัดพิษณุโลก ระหว่างวันที่ 22–23 กรกฎาคม 2563 "
        "เรียน ปลัดกระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม"
    )
    assert squeezed(text).startswith(squeezed(heading)), text[:400]
    for expected in [
        "1. ความเป็นมา",
        "คณะรับฟังปัญหาและอุปสรรคของหน่วยงานในจังหวัด",
        "2. หน่วยงานที่พบ",
        "สำนักงานดิจิทัลเพื่อเศรษฐกิจและสังคมจังหวัดพิษณุโลก",
        "ที่ทำการไปรษณีย์จังหวัดพิษณุโลก",
        "3. สถานที่ที่ตรวจเยี่ยม",
        "ศาลาประชาคมบ้านคลองเมม",
        "4. ข้อค้นพบ",
        "กลุ่มน้ำพริกขายได้เฉพาะในหมู่บ้าน",
        "ให้อาสาสมัครช่วยนำสินค้าขึ้นขายออนไลน์",
        "ข้อค้นพบที่ 2: กลุ่มน้ำพริกที่จุดบริการ",  # the photo's caption
        "5. งานที่ต้องติดตาม",
        "30 ก.ย. 2563",  # the overdue action's due date, BE
        "เกินกำหนด",
        "จึงเรียนมาเพื่อโปรดทราบ",
        "(ผู้ตรวจราชการ)",
    ]:
        assert squeezed(expected) in squeezed(text), expected
    for title in (CHANNEL, ONLINE, TRAINING):  # long titles wrap in their cells
        assert squeezed(title) in squeezed(text), title
    assert all(font["emb"] == "yes" for font in pdf_fonts(response.content))
    assert page_count(response.content) >= 1


def test_the_visit_report_carries_the_photo_inline(khlong_mem_visit, inspector):
    from pracharat.oversight import reports

    report = reports.visit_report(khlong_mem_visit)
    photos = [uri for f in report.findings for uri, _caption in f.pdf_photos]
    assert len(photos) == 1 and photos[0].startswith("data:image/jpeg;base64,/9j/")


def test_the_visit_report_query_budget(khlong_mem_visit, inspector, django_assert_max_num_queries):
    client = signed_in(inspector)
    with django_assert_max_num_queries(14):
        assert client.get(f"/oversight/visits/{khlong_mem_visit.pk}/report.pdf").status_code == 200


def test_who_may_download_the_visit_report(khlong_mem_visit, chiangmai_officer, volunteer):
    url = f"/oversight/visits/{khlong_mem_visit.pk}/report.pdf"
    assert Client().get(url).status_code == 302  # to the login page
    assert signed_in(chiangmai_officer).get(url).status_code == 404
    assert signed_in(volunteer).get(url).status_code == 404


def test_the_province_report_page(
    khlong_mem_visit, phitsanulok_officer, django_assert_max_num_queries
):
    client = signed_in(phitsanulok_officer)
    with django_assert_max_num_queries(12):
        response = client.get("/oversight/reports/65/2563/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "รายงานการตรวจราชการ: พิษณุโลก, ปีงบประมาณ 2563" in html
    visits = html[html.index('data-test="visits"') :]
    assert "22 ก.ค. 2563 – 23 ก.ค. 2563" in visits
    categories = html[html.index('data-test="categories"') :]
    assert (
        f'<td>{in_thai(Category.COMMUNITY_ECONOMY.label)}</td><td class="num">1</td>' in categories
    )
    overdue = html[html.index('data-test="overdue"') :]
    overdue = overdue[: overdue.index("</table>")]
    assert CHANNEL in overdue and ONLINE not in overdue and TRAINING not in overdue
    assert '<tr class="overdue">' in overdue and "เกินกำหนด" in overdue
    agencies = html[html.index('data-test="agencies"') :]
    assert '<tr class="overdue"><td>สำนักงานดิจิทัลเพื่อเศรษฐกิจและสังคมจังหวัดพิษณุโลก' in agencies


def test_the_province_report_query_budget_does_not_grow(khlong_mem_visit, phitsanulok_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pracharat.oversight.models import FollowUpAction

    client = signed_in(phitsanulok_officer)
    client.get("/oversight/reports/65/2563/")
    with CaptureQueriesContext(connection) as before:
        client.get("/oversight/reports/65/2563/")
    for n in range(5):
        visit = make_visit(title=f"รอบ {n}")  # noqa: F405
        FollowUpAction.objects.create(
            visit=visit, area_code="65", title=f"งาน {n}",
            owner=khlong_mem_visit.fixture["post"], due_date=visit.end_date,
        )  # fmt: skip
    with CaptureQueriesContext(connection) as after:
        html = client.get("/oversight/reports/65/2563/").content.decode()
    assert len(after) == len(before)
    assert "รอบ 4" in html


def test_the_province_report_as_files(khlong_mem_visit, phitsanulok_officer):
    client = signed_in(phitsanulok_officer)
    csv = b"".join(client.get("/oversight/reports/65/2563.csv").streaming_content)
    lines = csv.decode("utf-8-sig").splitlines()
    assert len(lines) == 4  # the header and the three actions
    overdue = next(line for line in lines if CHANNEL in line)
    assert overdue.endswith(",เปิด,เกินกำหนด,ตรวจราชการจังหวัดพิษณุโลก") or "เกินกำหนด" in overdue
    assert "2020-09-30" in overdue
    xlsx = client.get("/oversight/reports/65/2563.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert book.active.max_row == 4
    pdf = text_of(client.get("/oversight/reports/65/2563.pdf"))
    assert "รายงานการตรวจราชการ: พิษณุโลก, ปีงบประมาณ 2563" in pdf
    assert "เกินกำหนด" in pdf


def test_the_province_report_is_scoped(khlong_mem_visit, chiangmai_officer, nt_officer, volunteer):
    assert Client().get("/oversight/reports/65/2563/").status_code == 302
    assert signed_in(chiangmai_officer).get("/oversight/reports/65/2563/").status_code == 403
    assert signed_in(volunteer).get("/oversight/reports/65/2563/").status_code == 403
    # NT's officer sees the province's actions (an area role in 65), never a 500
    assert signed_in(nt_officer).get("/oversight/reports/65/2563/").status_code == 200
    assert signed_in(chiangmai_officer).get("/oversight/reports/50/2563/").status_code == 200
    assert signed_in(chiangmai_officer).get("/oversight/reports/99/2563/").status_code == 404
