import datetime as dt

from django.template import Context, Template
from django.test import override_settings
from django.urls import path
from django.utils import translation

STORY_DAY = dt.date(2020, 7, 23)


def render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_dates_are_buddhist_era_in_thai_and_plain_in_english():
    with translation.override("th"):
        assert render("{{ d|bedate:'long' }}", d=STORY_DAY) == "วันพฤหัสบดีที่ 23 กรกฎาคม 2563"
        assert render("{{ d|bedate:'short' }}", d=STORY_DAY) == "23 ก.ค. 2563"
        assert render("{{ d|beyear }}", d=STORY_DAY) == "2563"
        moment = dt.datetime(2020, 7, 23, 2, 30, tzinfo=dt.UTC)  # 09:30 in Bangkok
        assert render("{{ m|bedatetime }}", m=moment) == "23 ก.ค. 2563 09:30 น."
    with translation.override("en"):
        assert render("{{ d|bedate:'long' }}", d=STORY_DAY) == "Thursday 23 July 2020"
        assert render("{{ d|beyear }}", d=STORY_DAY) == "2020"
    assert render("{{ d|bedate }}", d=None) == ""


def boom(request):
    raise RuntimeError("simulated failure")


urlpatterns = [path("boom/", boom)]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_error_page_is_thai_first_and_english_second(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert page.index("ขออภัย") < page.index("Sorry")


def test_home_shows_today_in_buddhist_era(client, db, settings):
    page = client.get("/").content.decode()
    assert "ปีงบประมาณ 25" in page and "วัน" in page
