"""Lawful requests: who used a User-Name or a device (MAC) over a time window.

The Computer-Related Crime Act lets the authorities ask a provider for traffic data within
the retention period (``ACCOUNTING_RETENTION_DAYS``). Sessions keep User-Name and
Calling-Station-Id only as keyed pseudonyms (``network.privacy.pseudonym``, the PDPA key of
``core.privacy``), so a search pseudonymises the identifier asked about with the same key and
looks the pseudonym up: nobody can list the identifiers themselves. Only holders of the
dedicated permission ``network.lawful_search`` (given to a user or a group by the admin;
superusers do not have it by being superusers) may search, and every search, found or not, is
one audit-log entry: who, the request's reference, which kind of identifier and its pseudonym
(never the identifier in clear), the window and the number of sessions found.

A change of ``PDPA_HASH_KEY`` changes every pseudonym: sessions stored under the old key are
no longer found (docs/deploy.md says to set the key once and keep it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pracharat.core.errors import Invalid, NotAllowed
from pracharat.network.models import AccountingSession
from pracharat.network.privacy import pseudonym
from pracharat.network.radius.session_key import normalise_mac

CODENAME = "lawful_search"
PERMISSION = f"network.{CODENAME}"
#: Rows one search returns at most (a narrower window finds the rest).
LIMIT = 5000
KINDS = ("user_name", "mac")
AUDIT_REPR = "lawful request search"


def ensure_permission(**kwargs) -> None:
    """The permission row (post_migrate): a permission of its own, not a model's Meta, so it
    needs no migration of the session table."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(AccountingSession)
    Permission.objects.get_or_create(
        codename=CODENAME,
        content_type=content_type,
        defaults={"name": "Can search accounting sessions for a lawful request"},
    )


def may_search(user) -> bool:
    """Holds ``network.lawful_search`` itself or through a group (superuser status alone is
    not enough: the role is given to named people on purpose)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    from django.contrib.auth.models import Permission

    return (
        Permission.objects.filter(codename=CODENAME, content_type__app_label="network")
        .filter(Q(user=user) | Q(group__user=user))
        .exists()
    )


@dataclass(frozen=True)
class Found:
    kind: str
    pseudonym: str
    start: datetime
    end: datetime
    sessions: list
    truncated: bool


def search(
    *, actor, reference: str, kind: str, value: str, start: datetime, end: datetime
) -> Found:
    """The sessions of ``value`` (a User-Name or a MAC, by ``kind``) active at any moment of
    [start, end), newest first, with their point and device; written to the audit log."""
    if not may_search(actor):
        raise NotAllowed(_("Only holders of the lawful-request role may search sessions."))
    reference = (reference or "").strip()
    value = (value or "").strip()
    errors = {}
    if not reference:
        errors["reference"] = _("Give the reference of the request (letter or order number).")
    if kind not in KINDS:
        errors["kind"] = _("Search by User-Name or by MAC address.")
    elif not value:
        errors["value"] = _("Give the User-Name or MAC address asked about.")
    elif kind == "mac" and not normalise_mac(value):
        errors["value"] = _("This is not a MAC address.")
    if start is None or end is None or start >= end:
        errors["end"] = _("The window must end after it starts.")
    elif end - start > timedelta(days=settings.ACCOUNTING_RETENTION_DAYS + 1):
        errors["end"] = _("The window is longer than the retention period.")
    if errors:
        raise Invalid(fields=errors)
    hashed = pseudonym(value)
    column = "user_hash" if kind == "user_name" else "calling_station_hash"
    rows = list(
        AccountingSession.objects.filter(**{column: hashed})
        .filter(started_at__lt=end, ended_at__gte=start)
        .select_related("service_point", "nas")
        .order_by("-started_at")[: LIMIT + 1]
    )
    found = Found(kind, hashed, start, end, rows[:LIMIT], len(rows) > LIMIT)
    _audit(actor, reference, found)
    return found


def _audit(actor, reference: str, found: Found) -> None:
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(AccountingSession),
        object_pk="",
        object_id=None,
        object_repr=f"{AUDIT_REPR}: {reference[:100]}"[:200],
        action=LogEntry.Action.ACCESS,
        changes={
            "reference": [None, reference[:200]],
            "kind": [None, found.kind],
            "pseudonym": [None, found.pseudonym],
            "window": [None, f"{found.start.isoformat()} / {found.end.isoformat()}"],
            "sessions_found": [None, str(len(found.sessions))],
        },
        actor=actor,
    )


def searches():
    """The audit entries of every search, newest first."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(AccountingSession),
        action=LogEntry.Action.ACCESS,
        object_repr__startswith=AUDIT_REPR,
    ).order_by("-timestamp")
