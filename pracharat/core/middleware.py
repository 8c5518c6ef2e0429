"""Site-wide request handling: the client's address, the body cap, NUL bytes in URLs, HEAD,
security headers and the Thai-first locale. Order in ``settings.MIDDLEWARE`` matters: the
address and the body cap come first, so every later piece (axes, the audit log, rate limits)
sees the real client and no view ever reads an oversized body."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _

from pracharat.core.lib.clientip import client_address, parse_networks


class ClientAddressMiddleware:
    """Set ``REMOTE_ADDR`` to the client's address when the request came through a proxy listed
    in ``settings.TRUSTED_PROXIES``; everything downstream reads ``REMOTE_ADDR`` only."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = parse_networks(settings.TRUSTED_PROXIES)

    def __call__(self, request):
        if self.trusted:
            meta = request.META
            meta["REMOTE_ADDR"] = client_address(
                meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR", ""), self.trusted
            )
        return self.get_response(request)


def client_ip(request) -> str:
    """The one place that says who the client is (django-axes' AXES_CLIENT_IP_CALLABLE too)."""
    return request.META.get("REMOTE_ADDR", "")


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body is over ``settings.MAX_REQUEST_BODY_BYTES`` with 413
    before anything reads it. Django reads no more than Content-Length, so a body sent without
    one (chunked) is read as empty rather than without bound."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_REQUEST_BODY_BYTES
        if length > limit:
            megabytes = limit // (1024 * 1024)
            message = _("The request is too large (the limit is %(mb)s MB).") % {"mb": megabytes}
            if request.path.startswith("/api/"):
                body = {"error": {"status": 413, "code": "too_large", "message": message}}
                response = JsonResponse(body, status=413)
            else:
                html = render_to_string("413.html", {"message": message}, request=request)
                response = HttpResponse(html, status=413)
            response["Connection"] = "close"
            return response
        return self.get_response(request)


def _unstorable_text(value) -> bool:
    """Does a parsed JSON value hold a string PostgreSQL cannot store: a NUL character, or a
    lone surrogate (``"\\ud800"``, which no UTF-8 encoder takes)?"""
    if isinstance(value, str):
        if "\x00" in value:
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_unstorable_text(k) or _unstorable_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unstorable_text(item) for item in value)
    return False


class NulByteMiddleware:
    """Refuse with 400 a request whose path or query string holds a NUL byte (raw or ``%00``),
    or whose JSON body holds a string with a NUL or a lone surrogate.

    No input of ours has a use for one, and PostgreSQL cannot store or compare text holding it
    (psycopg raises ``ValueError``), so any view that looks such a value up or stores it would
    answer 500. Form posts need no check here: Django's form fields refuse NUL already."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _json_body_is_unstorable(self, request) -> bool:
        if request.method not in ("POST", "PUT", "PATCH") or "json" not in request.content_type:
            return False
        if b"\\u" not in request.body and b"\x00" not in request.body:
            return False  # no escape and no raw NUL: nothing to find (the common case)
        try:
            return _unstorable_text(json.loads(request.body))
        except (ValueError, UnicodeDecodeError):
            return False  # not JSON: the view's own parser answers it

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        in_address = "\x00" in request.path_info or "%00" in query or "\x00" in query
        if not in_address and not self._json_body_is_unstorable(request):
            return self.get_response(request)
        message = (
            _("The address holds a character that is not allowed (a NUL byte).")
            if in_address
            else _("The request holds a character that is not allowed (a NUL or a lone surrogate).")
        )
        if request.path.startswith("/api/"):
            body = {"error": {"status": 400, "code": "bad_request", "message": message}}
            return JsonResponse(body, status=400)
        html = render_to_string("core/bad_request.html", {"message": message}, request=request)
        return HttpResponse(html, status=400)


class HeadAsGetMiddleware:
    """HEAD answers wherever GET does (RFC 9110 §9.3.2): the view runs as for GET and the body is
    dropped, keeping the headers, so views and API routes need no HEAD of their own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        request.META["REQUEST_METHOD"] = "GET"
        response = self.get_response(request)
        if response.streaming:
            response.streaming_content = []  # the file, if any, is closed with the response
        else:
            response.headers.setdefault("Content-Length", str(len(response.content)))
            response.content = b""
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response.

    Our pages load scripts, styles and images from our own origin only and have no inline
    script, so ``script-src 'self'`` holds everywhere. The admin and the API's docs page (third
    party templates) keep a few inline styles, so they alone are allowed inline styles."""

    def __init__(self, get_response):
        self.get_response = get_response
        policy = {
            "default-src": "'self'",
            "script-src": "'self'",
            "style-src": "'self'",
            "img-src": "'self' data:",
            "font-src": "'self'",
            "connect-src": "'self'",
            "object-src": "'none'",
            "base-uri": "'self'",
            "form-action": "'self'",
            "frame-ancestors": "'none'",
        }
        self.strict = "; ".join(f"{k} {v}" for k, v in policy.items())
        self.relaxed = self.strict.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

    def __call__(self, request):
        response = self.get_response(request)
        third_party = request.path.startswith(("/admin/", "/api/v1/docs"))
        policy = self.relaxed if third_party else self.strict
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class ThaiFirstLocaleMiddleware(LocaleMiddleware):
    """Thai unless the person chose English with the switch (a cookie).

    Many phones in Thailand run an English system locale, so a browser's Accept-Language says
    little about the reader; pages follow the explicit choice only. API clients, which set
    Accept-Language on purpose, keep Django's negotiation.
    """

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen and check_for_language(chosen) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
