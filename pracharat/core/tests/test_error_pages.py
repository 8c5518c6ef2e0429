"""The site's own error pages are Thai first, in the site's frame with the language switch;
the API keeps its JSON error shape; /favicon.ico answers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import path, reverse

pytestmark = pytest.mark.django_db


def test_a_403_is_the_thai_page_with_the_reason_and_the_english_switch(client, volunteer):
    client.force_login(volunteer)
    response = client.get(reverse("market:seller"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "ไม่มีสิทธิ์เข้าถึง" in html and 'lang="th"' in html
    assert "กลุ่มผู้ผลิต" in html  # the reason the view gave, translated
    assert 'data-test="lang-en"' in html  # the switch, as on every page


def test_the_403_page_in_english(client, volunteer, settings):
    client.force_login(volunteer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("market:seller")).content.decode()
    assert "Access denied" in html and "ไม่มีสิทธิ์เข้าถึง" not in html


def test_a_404_page_is_thai(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ไม่พบหน้านี้" in response.content.decode() and 'lang="th"' in response.content.decode()


def test_the_500_page_is_thai_first():
    from pathlib import Path

    html = (Path(__file__).parents[1] / "templates" / "500.html").read_text()
    assert html.index("ขออภัย") < html.index("Sorry") and '<html lang="th">' in html


def broken(request):
    raise RuntimeError("boom")


# This module is also the URLconf of the test below: the site's 500 handler, one broken view.
urlpatterns = [path("broken/", broken)]
handler500 = "pracharat.core.views.server_error"


def test_a_server_error_renders_the_thai_page(settings):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500 and "ระบบขัดข้อง" in response.content.decode()


def test_the_api_keeps_its_json_error_shape(client):
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert set(response.json()["error"]) >= {"status", "code", "message"}


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00" and len(response.content) < 4096
    html = client.get(reverse("geo:country")).content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html
