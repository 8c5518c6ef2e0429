"""The JSON API at /api/v1/: one NinjaAPI, one router per pillar, one error shape.

Every 4xx answers ``{"error": {"status": 404, "code": "not_found", "message": "…",
"details": […]}}`` so clients need one parser. Public reads need no auth; anything scoped
takes a bearer token (``Authorization: Bearer pr_…``) or the browser session.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from pracharat.core.lib.area import BadAreaCode


class PracharatAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Every operation may answer 400: the site refuses a NUL byte in any URL before the
        API sees it (``core.middleware.NulByteMiddleware``), so the document says so."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = {
            "description": "Bad Request",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
        }
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                operation.setdefault("responses", {}).setdefault(400, error)
        return schema


api = PracharatAPI(
    title="pracharat API",
    version="1",
    description="Net Pracharat platform: geography, accounts, network, market.",
    urls_namespace="api-1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error_response(request, status: int, code: str, message: str, details=None):
    body = {"error": {"status": status, "code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    return api.create_response(request, body, status=status)


@api.exception_handler(NinjaValidationError)
def on_validation(request, exc):
    details = [{"loc": list(e.get("loc", [])), "message": e.get("msg", "")} for e in exc.errors]
    return error_response(request, 422, "invalid", _("The request is not valid."), details)


@api.exception_handler(ValidationError)
def on_django_validation(request, exc):
    return error_response(
        request,
        422,
        "invalid",
        _("The request is not valid."),
        [{"message": m} for m in exc.messages],
    )


@api.exception_handler(BadAreaCode)
def on_bad_area(request, exc):
    return error_response(
        request, 422, "invalid", _("An area code has 2, 4, 6 or 8 digits."), [{"message": str(exc)}]
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error_response(
        request,
        401,
        "unauthenticated",
        _("Log in or send a valid API token (Authorization: Bearer …)."),
    )


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return error_response(request, 403, "forbidden", _("You may not do this."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    codes = {
        400: "bad_request",
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        429: "too_many_requests",
    }
    return error_response(
        request, exc.status_code, codes.get(exc.status_code, "error"), str(exc.message)
    )


def api_not_found(request):
    """Unknown paths under /api/ answer in the API's error shape, not with an HTML page."""
    from django.http import JsonResponse

    body = {"error": {"status": 404, "code": "not_found", "message": _("No such API endpoint.")}}
    return JsonResponse(body, status=404)


def _mount() -> None:
    """Each app of ``settings.PRACHARAT_APPS`` that has an ``api.py`` has its ``router`` at
    ``/api/v1/<app>/``; core's numbers per area at ``/api/v1/areas/``."""
    from importlib import import_module

    from django.utils.module_loading import module_has_submodule

    from pracharat.core import api_numbers, registry

    for config in registry.pracharat_apps():
        if module_has_submodule(config.module, "api"):
            api.add_router(f"/{config.label}", import_module(f"{config.name}.api").router)
    api.add_router("/areas", api_numbers.router)


_mount()
