"""/media/ serves the public pictures (product photos, logos) in development and production
alike, and nothing else; the private root of personal files is never under it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from django.core.checks import run_checks
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from pracharat import testing
from pracharat.core.keys import generate_pem
from pracharat.core.storage import private_storage

JPEG = testing.picture_bytes("JPEG", (20, 10))


def test_a_product_photo_is_served_with_a_public_cache(client, uploads):
    name = default_storage.save("market/products/7/abc.jpg", ContentFile(JPEG))
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == JPEG
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.head(f"/media/{name}").status_code == 200
    assert client.post(f"/media/{name}").status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "network/faults/2025/01/1-image.jpg",  # the old guessable fault photos
        "market/slips/3/0123456789abcdef.jpg",  # the old slips
        "market/products/7/notes.html",  # not a picture
        "market/products/7/page.svg",  # scripts can live in SVG
        "market/products/7/abc.jpg.gz",
        "market/products/../../network/faults/2025/01/1-image.jpg",
        "secret_key",
    ],
)
def test_nothing_else_is_served_even_when_the_file_is_there(client, uploads, path):
    target = uploads / "media" / os.path.normpath(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(JPEG)
    assert client.get(f"/media/{path}").status_code == 404


def test_a_private_file_has_no_url_under_media(client, uploads):
    name = private_storage.save("network/faults/x.jpg", ContentFile(JPEG))
    assert (uploads / "private" / name).is_file()
    assert not (uploads / "media" / name).exists()
    assert client.get(f"/media/{name}").status_code == 404
    with pytest.raises(ValueError, match="no URL"):
        private_storage.url(name)


def test_the_private_root_inside_media_root_is_a_system_check_error(settings, tmp_path):
    assert not [e for e in run_checks() if e.id.startswith("pracharat.")]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "pracharat.core.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media" / "private"},
        },
    }
    assert [e.id for e in run_checks() if e.id.startswith("pracharat.")] == ["pracharat.E002"]


PRODUCTION_PROBE = textwrap.dedent(
    """
    import django
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    assert settings.PRODUCTION and not settings.DEBUG
    call_command("collectstatic", interactive=False, verbosity=0)  # pages need the manifest
    root = settings.MEDIA_ROOT
    for path in ("market/products/1/abc.jpg", "network/faults/2025/01/1-image.jpg"):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(open(__import__("sys").argv[1], "rb").read())
        response = Client().get("/media/" + path, secure=True)
        print(path, response.status_code, response.get("Content-Type"))
    """
)


def test_public_media_is_served_in_production_mode(tmp_path):
    """WhiteNoise serves only static files: the same /media/ route must work with
    PRACHARAT_PRODUCTION=1 (in a separate process, as production settings are read once)."""
    picture = tmp_path / "p.jpg"
    picture.write_bytes(JPEG)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pracharat.settings",
        "PRACHARAT_PRODUCTION": "1",
        "SECRET_KEY": "production-probe-" + "k" * 40,
        "PLATFORM_SIGNING_KEY": generate_pem().decode(),  # required in production
        "ALLOWED_HOSTS": "testserver",
        "PRACHARAT_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": "",
    }
    env.pop("DEBUG", None)
    run = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE, str(picture)],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.split("\n")[:2] == [
        "market/products/1/abc.jpg 200 image/jpeg",
        "network/faults/2025/01/1-image.jpg 404 text/html; charset=utf-8",
    ]
