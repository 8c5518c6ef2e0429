"""The JSON API at /api/v1/: one NinjaAPI, one router per pillar, one error shape.

Every 4xx answers ``{"error": {"status": 404, "code": "not_found", "message": "…",
"details": […]}}`` so clients need one parser. Public reads need no auth; anything scoped
takes a bearer token (``Authorization: Bearer pr_…``) or the browser session.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from pracharat.core.errors import DomainError
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


#: pydantic's error types, said in the reader's language (its own texts are English only);
#: ``ctx`` fills the placeholders. Unknown types fall back to a plain "not valid".
PARSE_ERRORS = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("This field is not accepted."),
    "string_type": gettext_lazy("Give text."),
    "string_too_short": gettext_lazy("Give at least %(min_length)s characters."),
    "string_too_long": gettext_lazy("Give at most %(max_length)s characters."),
    "string_pattern_mismatch": gettext_lazy("This value does not have the expected form."),
    "int_type": gettext_lazy("Give a whole number."),
    "int_parsing": gettext_lazy("Give a whole number."),
    "int_from_float": gettext_lazy("Give a whole number."),
    "float_parsing": gettext_lazy("Give a number."),
    "decimal_parsing": gettext_lazy("Give a number."),
    "bool_parsing": gettext_lazy("Give true or false."),
    "greater_than": gettext_lazy("Give a value greater than %(gt)s."),
    "greater_than_equal": gettext_lazy("Give a value of at least %(ge)s."),
    "less_than": gettext_lazy("Give a value less than %(lt)s."),
    "less_than_equal": gettext_lazy("Give a value of at most %(le)s."),
    "enum": gettext_lazy("Choose one of: %(expected)s."),
    "literal_error": gettext_lazy("Choose one of: %(expected)s."),
    "union_tag_invalid": gettext_lazy("Choose %(discriminator)s from: %(expected_tags)s."),
    "union_tag_not_found": gettext_lazy("Give %(discriminator)s."),
    "date_parsing": gettext_lazy("Give a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("Give a date as YYYY-MM-DD."),
    "datetime_parsing": gettext_lazy("Give a date and time (ISO 8601)."),
    "datetime_from_date_parsing": gettext_lazy("Give a date and time (ISO 8601)."),
    "json_invalid": gettext_lazy("The request body is not valid JSON."),
    "model_attributes_type": gettext_lazy("Send a JSON object."),
    "dict_type": gettext_lazy("Send a JSON object."),
    "list_type": gettext_lazy("Give a list."),
}


def parse_error_message(error: dict):
    """One pydantic error in the active language. A ``value_error`` raised by our own
    validators already carries a message meant for people; it is passed on."""
    kind = error.get("type", "")
    if kind == "value_error":
        text = str(error.get("msg", ""))
        return text.removeprefix("Value error, ") or _("This value is not valid.")
    template = PARSE_ERRORS.get(kind)
    if template is None:
        return _("This value is not valid.")
    ctx = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    try:
        return str(template) % ctx
    except (KeyError, TypeError, ValueError):
        return _("This value is not valid.")


def error_response(request, status: int, code: str, message, details=None):
    body = {"error": {"status": status, "code": code, "message": str(message)}}
    if details:
        body["error"]["details"] = details
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    """Every refusal an action raises (core.errors): its status, code and translated message."""
    return error_response(request, exc.status, exc.code, exc, exc.details)


@api.exception_handler(NinjaValidationError)
def on_validation(request, exc):
    details = [
        {"loc": list(e.get("loc", [])), "message": str(parse_error_message(e))} for e in exc.errors
    ]
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


#: ninja's own HttpErrors (our code raises DomainError instead): code and translated message.
HTTP_ERRORS = {
    400: ("bad_request", gettext_lazy("The request body is not valid JSON.")),
    401: (
        "unauthenticated",
        gettext_lazy("Log in or send a valid API token (Authorization: Bearer …)."),
    ),
    403: ("forbidden", gettext_lazy("You may not do this.")),
    404: ("not_found", gettext_lazy("Not found.")),
    405: ("method_not_allowed", gettext_lazy("This method is not allowed here.")),
    409: ("conflict", gettext_lazy("This conflicts with the current state.")),
    429: ("too_many_requests", gettext_lazy("Too many attempts. Please try again later.")),
}


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    code, message = HTTP_ERRORS.get(exc.status_code, ("error", gettext_lazy("The request failed.")))
    return error_response(request, exc.status_code, code, message)


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
