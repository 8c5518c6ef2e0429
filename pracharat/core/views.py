import mimetypes
import posixpath
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views import static
from django.views.decorators.http import require_safe

from pracharat.core import registry

FAVICON = Path(__file__).parent / "static" / "core" / "favicon.ico"


@require_safe
def favicon(request):
    """``/favicon.ico``, which browsers and crawlers ask for whatever the page links."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = f"public, max-age={PUBLIC_MEDIA_MAX_AGE}"
    return response


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """The static bilingual page, rendered without context processors: whatever broke the
    request (a URL that does not resolve, the database) must not break its error page too."""
    return HttpResponseServerError(loader.render_to_string("500.html"))


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


#: What ``/media/`` serves at all: the pictures the loader wrote (JPEG) and older logos.
PUBLIC_MEDIA_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
PUBLIC_MEDIA_MAX_AGE = 86_400


@require_safe
def media(request, path: str):
    """Public uploads (product photos, group logos) from ``MEDIA_ROOT``, in development and
    production alike (WhiteNoise serves only static files). Only the folders the apps
    declare with ``registry.public_media`` are served, and only pictures; personal files
    live in the private storage, which no URL maps to."""
    path = posixpath.normpath(path).lstrip("/")
    content_type, encoding = mimetypes.guess_type(path)
    if (
        path.startswith("..")
        or not any(path.startswith(folder) for folder in registry.public_media_folders)
        or content_type not in PUBLIC_MEDIA_TYPES
        or encoding
    ):
        raise Http404
    response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = f"public, max-age={PUBLIC_MEDIA_MAX_AGE}"
    return response


def _public_json(document: dict, content_type: str) -> HttpResponse:
    import json

    response = HttpResponse(json.dumps(document, indent=2), content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"  # verifiers fetch it from anywhere
    return response


@require_safe
def jwks(request):
    """``/.well-known/jwks.json``: the platform's public signing key (``core.keys``)."""
    from pracharat.core import keys

    return _public_json(keys.jwks(), "application/jwk-set+json")


@require_safe
def did_document(request):
    """``/.well-known/did.json``: the platform's did:web DID document (``core.keys``)."""
    from pracharat.core import keys

    return _public_json(keys.did_document(), "application/did+json")
