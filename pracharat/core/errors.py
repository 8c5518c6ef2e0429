"""The one domain error: an action refuses something, and says why in the reader's language.

Actions raise :class:`DomainError` (or a subclass) and nothing else for a refusal a person
should read: a rule of the domain (:class:`Invalid`, 422), a missing right
(:class:`NotAllowed`, 403), something that is not there (:class:`NotFound`, 404), a state
that does not allow it (:class:`Conflict`, 409), too many attempts (:class:`TooMany`, 429).
The same exception then becomes, without a second vocabulary:

- in the API, ``{"error": {"status", "code", "message", "details"}}`` (``pracharat.api``);
- on a page, an error on the form, on the field it names (:func:`add_to_form`);
- in a command, its message.

``message`` is translated lazily (``gettext_lazy``) or already in the active language, so the
API and pages print it in the request's language: Thai first, English for ``/en/`` readers.
``fields`` carries one message per input field (the buyer's phone, a tracking number).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refused action. ``str(exc)`` is the message for the person, translated."""

    status = 422
    code = "invalid"
    default_message = _("This cannot be done.")

    def __init__(
        self,
        message=None,
        *,
        code: str | None = None,
        field: str | None = None,
        fields: Mapping[str, object] | None = None,
        status: int | None = None,
    ):
        self.fields = dict(fields or {})
        if field is not None and message is not None:
            self.fields.setdefault(field, message)
        if message is None:
            message = next(iter(self.fields.values()), None) if len(self.fields) == 1 else None
        self.message = self.default_message if message is None else message
        self.field = field
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)

    @property
    def details(self) -> list[dict]:
        """One ``{"loc": [field], "message": …}`` per field, for the API's ``details``."""
        return [{"loc": [name], "message": str(text)} for name, text in self.fields.items()]


class Invalid(DomainError):
    """Input the rules of the domain refuse (a phone number, an empty cart)."""

    default_message = _("The request is not valid.")


class NotAllowed(DomainError):
    """The acting person lacks the right (seeing a thing is not changing it)."""

    status = 403
    code = "forbidden"
    default_message = _("You may not do this.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Conflict(DomainError):
    """The thing's present state does not allow it (a shipped order cannot be cancelled)."""

    status = 409
    code = "conflict"
    default_message = _("This conflicts with the current state.")


class TooMany(DomainError):
    """Over a rate limit (``core.limits``): nothing was done; try again later."""

    status = 429
    code = "too_many_requests"
    default_message = _("Too many attempts. Please try again later.")


def add_to_form(form, exc, field_names: Mapping[str, str] | None = None) -> None:
    """Put a refusal on ``form``: each message on the form field it names (after renaming by
    ``field_names``, e.g. ``{"phone": "buyer_phone"}``), the rest on the form as a whole.

    Takes a :class:`DomainError` or Django's ``ValidationError`` (a model's ``full_clean``),
    so a view calling an action needs one ``except`` and one call."""
    from django.core.exceptions import ValidationError

    rename = dict(field_names or {})
    if isinstance(exc, DomainError):
        per_field = {name: [text] for name, text in exc.fields.items()}
        if not per_field:
            form.add_error(None, str(exc))
            return
    elif isinstance(exc, ValidationError):
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                form.add_error(None, message)
            return
        per_field = exc.message_dict
    else:
        raise TypeError(f"not a refusal: {exc!r}")
    for name, messages in per_field.items():
        target = rename.get(name, name)
        form.add_error(target if target in form.fields else None, messages)
