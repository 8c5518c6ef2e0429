"""The audit log (django-auditlog) without personal data in clear.

An entry still says who did what: the actor (a link to the account, not a copy of its email),
the object (content type and id), which fields changed, and a keyed hash of the client
address (``core.privacy.client_hash``, keyed by ``PDPA_HASH_KEY``) in ``additional_data``.
It never holds the values of personal fields: those are registered as auditlog
``mask_fields`` and recorded as changed with the :data:`REDACTED` marker; models whose
``str()`` names a person get an ``object_repr`` of their kind and id instead.

Everything goes through auditlog's own hooks: ``register(mask_fields=..., mask_callable=...)``,
a subclass of its middleware (``get_extra_data``), ``AUDITLOG_DISABLE_REMOTE_ADDR`` and a
``pre_save`` receiver on ``LogEntry``. See docs/privacy.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from auditlog.middleware import AuditlogMiddleware
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from pracharat.core.privacy import client_hash

#: What a personal field's old and new values become in an entry.
REDACTED = "[redacted]"
#: How an erasure entry's ``object_repr`` begins (see :func:`record_erasure`).
ERASURE_REPR = "erasure of personal data"
#: The values auditlog writes for "no value" (a created or deleted row's other side).
_EMPTY = {"", "None"}

#: {model: personal field names}, filled by :func:`register`; the tests and the clean-up of
#: entries written before masking existed read it.
personal_fields: dict[type, tuple[str, ...]] = {}
#: Models whose ``str()`` carries a person's name or contact.
personal_repr: set[type] = set()


def redact(value: str) -> str:
    """auditlog's mask callable: a personal value becomes :data:`REDACTED`; "no value" stays,
    so the entry still shows whether a field was set, changed or cleared."""
    return value if value in _EMPTY else REDACTED


def register(
    model,
    *,
    personal: Iterable[str] = (),
    exclude: Iterable[str] = (),
    repr_is_personal: bool = False,
) -> None:
    """``auditlog.register`` with the model's personal fields masked by :func:`redact`."""
    from auditlog.registry import auditlog

    personal = tuple(personal)
    for name in personal:
        model._meta.get_field(name)  # a typo fails at start-up, not silently
    personal_fields[model] = personal
    if repr_is_personal:
        personal_repr.add(model)
    auditlog.register(
        model,
        exclude_fields=list(exclude),
        mask_fields=list(personal),
        mask_callable="pracharat.core.audit.redact",
    )


def neutral_repr(content_type: ContentType, object_pk) -> str:
    """``accounts.user #12``: the same whatever language the request was in."""
    return f"{content_type.app_label}.{content_type.model} #{object_pk}"


def hide_personal_repr(sender, instance, **kwargs) -> None:
    """``pre_save`` of ``LogEntry``: no person's name in ``object_repr``."""
    if instance.object_repr.startswith(ERASURE_REPR):
        return
    if instance.content_type_id and instance.content_type.model_class() in personal_repr:
        instance.object_repr = neutral_repr(instance.content_type, instance.object_pk)


class PrivateAuditlogMiddleware(AuditlogMiddleware):
    """auditlog's middleware, minus the clear client address and the copy of the actor's
    email. auditlog's context sets every key that names a ``LogEntry`` attribute, calling it
    first when it is callable: so the actor is set by id (``actor_id``) when the entry is
    saved -- which also catches the API's bearer-token user, known only once the view runs --
    and the client is a keyed hash in ``additional_data``."""

    def get_extra_data(self, request):

        return {
            "remote_addr": None,
            "remote_port": None,
            "additional_data": {"client": client_hash(request.META.get("REMOTE_ADDR"))},
            "actor_id": lambda: _actor_id(request),
        }


def _actor_id(request):
    for user in (getattr(request, "user", None), getattr(request, "auth", None)):
        if getattr(user, "is_authenticated", False) and getattr(user, "pk", None):
            return user.pk
    return None


def _redacted_changes(changes, fields: tuple[str, ...]):
    if isinstance(changes, str):  # written as JSON text by older auditlog versions
        try:
            changes = json.loads(changes)
        except ValueError:
            return changes
    if not isinstance(changes, dict):
        return changes
    clean = {}
    for name, value in changes.items():
        if name in fields and isinstance(value, list | tuple):
            clean[name] = [redact(str(v)) if v is not None else v for v in value]
        else:
            clean[name] = value
    return clean


def scrub(entries) -> int:
    """Rewrite ``entries`` (a LogEntry queryset) as if they had been written with masking on:
    personal values redacted, no clear address (hashed into ``additional_data``), no actor
    email, no personal ``object_repr``. Idempotent; returns how many rows changed."""

    changed = 0
    for entry in entries.select_related("content_type").iterator(chunk_size=500):
        model = entry.content_type.model_class()
        fields = personal_fields.get(model, ())
        update = {}
        if entry.remote_addr:
            extra = entry.additional_data if isinstance(entry.additional_data, dict) else {}
            update["additional_data"] = {**extra, "client": client_hash(entry.remote_addr)}
            update["remote_addr"] = None
        if entry.remote_port is not None:
            update["remote_port"] = None
        if entry.actor_email is not None:
            update["actor_email"] = None
        if fields:
            changes = _redacted_changes(entry.changes, fields)
            if changes != entry.changes:
                update["changes"] = changes
            if entry.changes_text:
                update["changes_text"] = ""
            if entry.serialized_data:
                update["serialized_data"] = None
        if model in personal_repr:
            wanted = neutral_repr(entry.content_type, entry.object_pk)
            if entry.object_repr != wanted:
                update["object_repr"] = wanted
        if update:
            type(entry).objects.filter(pk=entry.pk).update(**update)
            changed += 1
    return changed


def legacy_entries():
    """Entries written before this module: only they carry a clear address or an email."""
    from auditlog.models import LogEntry

    return LogEntry.objects.filter(
        Q(remote_addr__isnull=False) | Q(actor_email__isnull=False) | Q(remote_port__isnull=False)
    )


def entries_about(model, pks: Iterable) -> object:
    from auditlog.models import LogEntry

    content_type = ContentType.objects.get_for_model(model)
    return LogEntry.objects.filter(content_type=content_type, object_pk__in=[str(p) for p in pks])


def record_erasure(counts: Mapping[str, int], *, actor=None, subject=None) -> object:
    """One entry saying an erasure happened: what kinds of record and how many, never the
    data. ``subject`` is the erased account when there was one (the entry hangs on it),
    else the entry hangs on the User model with an empty id."""
    from auditlog.models import LogEntry
    from django.contrib.auth import get_user_model

    content_type = ContentType.objects.get_for_model(get_user_model())
    done = {name: n for name, n in sorted(counts.items()) if n}
    summary = ", ".join(f"{name}={n}" for name, n in done.items()) or "nothing found"
    return LogEntry.objects.create(
        content_type=content_type,
        object_pk=str(subject.pk) if subject is not None else "",
        object_id=subject.pk if subject is not None else None,
        object_repr=f"{ERASURE_REPR}: {summary}",
        action=LogEntry.Action.UPDATE,
        changes={name: [str(n), "[erased]"] for name, n in done.items()},
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
    )
