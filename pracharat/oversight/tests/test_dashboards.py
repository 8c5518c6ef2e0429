"""The dashboards: an area's pillars joined through core.numbers, the drill-down, actions by
agency, the national table (one row per province, batched reads), files, query budgets."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.cache import cache
from django.utils import translation

from pracharat import testing
from pracharat.core.lib import thaidate
from pracharat.oversight import dashboards, numbers
from pracharat.oversight.tests.reports_fixtures import *  # noqa: F403

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thai")]

#: The place, its children, network 3 + market 3 + oversight 3 (+ later pillars' budgets),
#: actions by agency, and the page's own reads (session, user).
AREA_BUDGET = 18  # with learning (4) and volunteers (2) read beside the others
NATIONAL_BUDGET = 14


def in_thai(label) -> str:
    with translation.override("th"):
        return str(label)


def more_data(how_many: int):
    """More visits and actions in other provinces (the budget must not grow with them)."""
    from pracharat.oversight.models import FollowUpAction

    agency = testing.agency("nt-chiangmai", "50")
    for n in range(how_many):
        visit = make_visit("50", dt.date(2020, 3, 1 + n), dt.date(2020, 3, 1 + n))  # noqa: F405
        FollowUpAction.objects.create(
            visit=visit, area_code="50", title=f"งาน {n}", owner=agency,
            due_date=dt.date(2020, 4, 1),
        )  # fmt: skip


@pytest.mark.parametrize("code", ["", "65", "6506", "650602", "65060209"])
def test_every_level_shows_every_pillar(client, khlong_mem_visit, code):
    url = f"/oversight/dashboard/{code + '/' if code else ''}?fy=2563"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for pillar in dashboards.pillars_registered():
        assert f'data-pillar="{pillar}"' in html
    assert "ปีงบประมาณ 2563" in html
    assert 'data-key="oversight.visits">1<' in html


def test_the_province_shows_actions_by_agency_with_the_overdue_standing_out(
    client, khlong_mem_visit
):
    html = client.get("/oversight/dashboard/65/?fy=2563").content.decode()
    table = html[html.index('data-test="by-agency"') :]
    mdes_row = table[: table.index("สำนักงานดิจิทัลเพื่อเศรษฐกิจและสังคมจังหวัดพิษณุโลก")]
    assert mdes_row.rstrip().endswith('<tr class="overdue"><td>')
    assert "เกินกำหนด 1 รายการ" in table
    assert 'class="overdue"><dt>' in html  # the overdue figure among the numbers
    assert "<svg" in html and 'role="img"' in html  # the chart
    # the drill-down: Phrom Phiram among the districts
    assert 'href="/oversight/dashboard/6506/?fy=2563"' in html


def test_drill_down_to_the_village(client, khlong_mem_visit):
    html = client.get("/oversight/dashboard/650602/").content.decode()
    assert 'href="/oversight/dashboard/65060209/' in html
    assert "หมู่ 9" in html
    village = client.get("/oversight/dashboard/65060209/").content.decode()
    assert "บ้านคลองเมม" in village and 'href="/oversight/dashboard/650602/"' in village


def test_unknown_areas_and_years(client, db):
    assert client.get("/oversight/dashboard/99/").status_code == 404
    assert client.get("/oversight/dashboard/?fy=abc").status_code == 404
    future = thaidate.fiscal_year_of(dt.date.today()).be + 1
    assert client.get(f"/oversight/dashboard/?fy={future}").status_code == 404


@pytest.mark.parametrize("code", ["65", "65060209"])
def test_area_query_budget_does_not_grow_with_data(
    client, khlong_mem_visit, code, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/oversight/dashboard/{code}/?fy=2563"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    more_data(5)
    cache.clear()
    with django_assert_max_num_queries(AREA_BUDGET), CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before)


def test_the_area_figures_as_files(client, khlong_mem_visit):
    csv = b"".join(client.get("/oversight/dashboard/65.csv?fy=2563").streaming_content)
    text = csv.decode("utf-8-sig")
    assert text.splitlines()[0].split(",")[:3] == ["ด้าน", "รหัส", "ตัวเลข"]
    assert "oversight,actions_overdue,งานติดตามที่เกินกำหนด,1,count" in text
    xlsx = client.get("/oversight/dashboard.xlsx?fy=2563")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    rows = list(book.active.values)
    assert ("oversight", "visits", in_thai(numbers.LABELS["visits"]), 1, "count") in rows


def test_the_national_table(client, khlong_mem_visit, django_assert_max_num_queries):
    with django_assert_max_num_queries(NATIONAL_BUDGET):
        response = client.get("/oversight/dashboard/provinces/?fy=2563")
    html = response.content.decode()
    body = html[html.index('data-test="national"') :]
    assert body.count('<th scope="row">') == 77
    phitsanulok = body[body.index("/oversight/dashboard/65/") :]
    row = phitsanulok[: phitsanulok.index("</tr>")]
    assert '<td class="num">1</td>' in row  # one visit
    # Phitsanulok's row stands out: an action is overdue
    assert (
        body[: body.index("/oversight/dashboard/65/")]
        .rstrip()
        .endswith('<tr class="overdue"><th scope="row"><a href="')
    )


def test_the_national_table_sorts_and_its_queries_do_not_grow(
    client, khlong_mem_visit, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = "/oversight/dashboard/provinces/?fy=2563&sort=oversight.visits"
    with CaptureQueriesContext(connection) as before:
        html = client.get(url).content.decode()
    body = html[html.index('data-test="national"') :]
    first_two = body.split('<th scope="row">')[1:3]
    assert "/oversight/dashboard/65/" in first_two[0] or "/oversight/dashboard/50/" in first_two[0]
    more_data(6)
    with CaptureQueriesContext(connection) as after:
        html = client.get(url).content.decode()
    assert len(after) == len(before)
    body = html[html.index('data-test="national"') :]
    assert "/oversight/dashboard/50/" in body.split('<th scope="row">')[1]  # 6 visits first


def test_the_national_table_as_files(client, khlong_mem_visit):
    csv = b"".join(client.get("/oversight/dashboard/provinces.csv?fy=2563").streaming_content)
    lines = csv.decode("utf-8-sig").splitlines()
    assert len(lines) == 78
    header = lines[0].split(",")
    assert header[:2] == ["รหัสจังหวัด", "จังหวัด"]
    row = next(line for line in lines if line.startswith("65,"))
    visits = (
        f"{in_thai(dashboards.PILLAR_LABELS['oversight'])}: {in_thai(numbers.LABELS['visits'])}"
    )
    assert row.split(",")[header.index(visits)] == "1"
    xlsx = client.get("/oversight/dashboard/provinces.xlsx?fy=2563")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert book.active.max_row == 78
