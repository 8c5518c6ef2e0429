"""Fault-report photos: the public form decodes nothing it should not (a pixel bomb, a client
over the rate limit), and a stored photo is private, under a random name, shown only to
those who may see its report."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from pracharat import testing
from pracharat.accounts.models import Role
from pracharat.core.lib import images
from pracharat.core.storage import private_storage
from pracharat.network import actions
from pracharat.network.models import FaultReport, Incident
from pracharat.network.tests.webfixtures import *  # noqa: F403 - fixtures

pytestmark = pytest.mark.django_db

POINT = "NP-65060209"
RANDOM_NAME = re.compile(r"^network/faults/[A-Za-z0-9_-]{32}\.jpg$")


def report(client, ip="203.0.113.7", photo=None, **data):
    form = {"problem": "no_signal", "description": "ไฟดับ"} | data
    if photo is not None:
        form["photo"] = photo
    return client.post(reverse("network:point", args=[POINT]), form, REMOTE_ADDR=ip)


def png_upload(size=(640, 480), name="IMG_0001.png"):
    return testing.upload(testing.picture_bytes("PNG", size), name, "image/png")


def files_under(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# --- The public form decodes nothing it should not -----------------------------------------


def test_the_12000_pixel_png_is_refused_without_decoding(
    client, khlong_mem_point, pixel_decodes, uploads, thai
):
    bomb = testing.upload(testing.bomb_png(), "bomb.png", "image/png")
    pixel_decodes.clear()
    response = report(client, photo=bomb)
    assert response.status_code == 400
    assert pixel_decodes == []  # no pixel of the 144 megapixels was decoded
    body = response.content.decode()
    assert "ล้านพิกเซล" in body and "more than 40 megapixels" in body  # Thai, and English
    assert not FaultReport.objects.exists() and not Incident.objects.exists()
    assert files_under(uploads) == []


def test_a_rate_limited_client_gets_429_before_any_photo_is_read(
    client, khlong_mem_point, monkeypatch, pixel_decodes, thai, settings
):
    for _ in range(settings.NETWORK_REPORTS_PER_POINT_PER_CLIENT):
        assert report(client).status_code == 302
    photo, bomb = png_upload(), testing.upload(testing.bomb_png(), "b.png", "image/png")

    def must_not_run(*args, **kwargs):
        raise AssertionError("the loader ran for a client over the rate limit")

    monkeypatch.setattr(images, "load", must_not_run)
    monkeypatch.setattr(images, "read_header", must_not_run)
    pixel_decodes.clear()
    for upload in (photo, bomb):
        response = report(client, photo=upload, description="ยังเสียอยู่")
        assert response.status_code == 429
        assert "ลองใหม่ภายหลัง" in response.content.decode()
        assert "ยังเสียอยู่" in response.content.decode()  # the text comes back to the form
    assert pixel_decodes == []
    assert FaultReport.objects.count() == settings.NETWORK_REPORTS_PER_POINT_PER_CLIENT


def test_a_client_under_the_limit_does_get_the_loader(client, khlong_mem_point, monkeypatch):
    """The control of the test above: the same patch does trip on an allowed client."""
    monkeypatch.setattr(images, "load", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    with pytest.raises(AssertionError):
        report(client, photo=png_upload())


# --- A stored photo is private -------------------------------------------------------------


@pytest.fixture
def photo_report(client, khlong_mem_point):
    assert report(client, photo=png_upload(), ip="198.51.100.20").status_code == 302
    return FaultReport.objects.get()


def test_the_photo_is_stored_privately_under_a_random_name(photo_report, uploads):
    name = photo_report.photo.name
    assert RANDOM_NAME.match(name), name
    assert "IMG_0001" not in name and f"/{photo_report.service_point_id}-" not in name
    assert files_under(uploads / "private") == [name]
    assert files_under(uploads / "media") == []  # nothing under MEDIA_ROOT
    with pytest.raises(ValueError, match="no URL"):
        photo_report.photo.url  # noqa: B018 - a private file has no public address
    second = actions.submit_fault_report(
        photo_report.service_point,
        actions.ReportInput(problem="slow", photo=images.load(testing.picture_bytes(), max_side=9)),
        ip_address="198.51.100.21",
    )
    assert RANDOM_NAME.match(second.photo.name) and second.photo.name != name


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("chiangmai_officer", 404),  # another province
        ("nt_chiangmai_officer", 404),  # another agency, another province
        ("volunteer", 404),  # the village's volunteer has no view of incidents
        ("buyer", 404),
        ("phitsanulok_officer", 200),
        ("nt_officer", 200),  # the agency the incident is assigned to
        ("inspector", 200),
    ],
)
def test_the_photo_answers_only_those_who_may_see_the_report(
    photo_report, who, status, request, nt_chiangmai, fast_hashing
):
    if who == "anonymous":
        user = None
    elif who == "nt_chiangmai_officer":
        user = testing.person("nt-cm@example.org", Role.AGENCY_OFFICER, "50", nt_chiangmai)
    else:
        user = request.getfixturevalue(who)
    response = _client_for(user).get(reverse("network:report_photo", args=[photo_report.pk]))
    assert response.status_code == status  # never 403, never a redirect to the login
    if status == 200:
        body = b"".join(response.streaming_content)
        assert body[:3] == b"\xff\xd8\xff" and body == photo_report.photo.open("rb").read()
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_no_photo_and_no_report_answer_the_same_404(client, khlong_mem_point, nt_officer):
    actions.submit_fault_report(
        khlong_mem_point, actions.ReportInput(problem="slow"), ip_address="192.0.2.1"
    )
    client.force_login(nt_officer)
    without_photo = FaultReport.objects.get()
    for pk in (without_photo.pk, without_photo.pk + 1000):
        assert client.get(reverse("network:report_photo", args=[pk])).status_code == 404


def test_the_incident_page_links_to_the_checking_view(client, photo_report, nt_officer):
    client.force_login(nt_officer)
    page = client.get(reverse("network:incident", args=[photo_report.incident_id]))
    body = page.content.decode()
    assert reverse("network:report_photo", args=[photo_report.pk]) in body
    assert "/media/" not in body


def test_the_old_guessable_media_path_is_gone(client, photo_report, uploads):
    old = f"network/faults/2026/01/{photo_report.service_point_id}-image.jpg"
    default_storage.save(old, ContentFile(photo_report.photo.open("rb").read()))  # a leftover
    for path in (old, photo_report.photo.name):
        assert client.get(f"/media/{path}").status_code == 404


def test_the_admin_shows_a_link_not_the_file(client, photo_report, fast_hashing):
    from pracharat.accounts.models import User

    admin = User.objects.create_superuser(email="root@example.org", password=testing.PASSWORD)
    client.force_login(admin)
    page = client.get(reverse("admin:network_faultreport_change", args=[photo_report.pk]))
    assert page.status_code == 200
    assert reverse("network:report_photo", args=[photo_report.pk]) in page.content.decode()
    assert client.get(reverse("network:report_photo", args=[photo_report.pk])).status_code == 200


# --- Existing photos move to the private storage -------------------------------------------


def test_the_migration_moves_old_public_photos_to_random_private_names(
    khlong_mem_point, uploads, django_capture_on_commit_callbacks
):
    migration = importlib.import_module("pracharat.network.migrations.0003_private_fault_photos")
    jpeg = testing.picture_bytes()
    old = f"network/faults/2025/11/{khlong_mem_point.pk}-IMG_0001.jpg"
    assert default_storage.save(old, ContentFile(jpeg)) == old
    row = FaultReport.objects.create(
        service_point=khlong_mem_point, area_code=khlong_mem_point.area_code, ip_hash="x"
    )
    FaultReport.objects.filter(pk=row.pk).update(photo=old)
    FaultReport.objects.create(  # a row whose file is gone is left alone
        service_point=khlong_mem_point, area_code=khlong_mem_point.area_code, ip_hash="y"
    )
    FaultReport.objects.filter(ip_hash="y").update(photo="network/faults/missing.jpg")

    with django_capture_on_commit_callbacks(execute=True):
        migration.to_private(apps, None)
    row.refresh_from_db()
    assert RANDOM_NAME.match(row.photo.name)
    assert private_storage.open(row.photo.name).read() == jpeg
    assert files_under(uploads / "media") == []  # the old file and its folders are gone
    assert not (uploads / "media" / "network" / "faults" / "2025").exists()
    assert FaultReport.objects.get(ip_hash="y").photo.name == "network/faults/missing.jpg"

    with django_capture_on_commit_callbacks(execute=True):  # and it reverses
        migration.to_public(apps, None)
    row.refresh_from_db()
    assert default_storage.open(row.photo.name).read() == jpeg
    assert files_under(uploads / "private") == []
