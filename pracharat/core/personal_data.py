"""Retention and erasure of personal data across the platform (docs/privacy.md).

``purge_personal_data`` anonymises or deletes what is past its retention; ``erase_person``
erases one person on request. Both are plain functions, each one transaction, called by the
``purge_personal_data`` and ``erase_person`` commands and the admin's actions (and, later, a
periodic job). The apps plug their parts in through ``core.registry`` (accounts: the login
records); the user model (``settings.AUTH_USER_MODEL``) erases the accounts themselves
(``objects.erase_accounts``), and the sessions and the audit log are handled here.
"""

from __future__ import annotations

from datetime import timedelta

from auditlog.context import disable_auditlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pracharat.core import audit, registry
from pracharat.core.lib.phone import normalise_phone


class ErasureError(ValueError):
    """The person to erase is not given properly; ``str(exc)`` says why."""


def _clean(phone: str | None, email: str | None) -> tuple[str, str]:
    phone = normalise_phone(phone) if (phone or "").strip() else ""  # PhoneError: a ValueError
    email = (email or "").strip().lower()
    if email and ("@" not in email or len(email) > 254):
        raise ErasureError(f"{email!r} is not an e-mail address")
    if not phone and not email:
        raise ErasureError("give a phone number or an e-mail address")
    return phone, email


def erase_person(*, phone: str | None = None, email: str | None = None, actor=None) -> dict:
    """Erase everything that names one person (a phone and/or an e-mail): their orders lose
    the buyer (counts and amounts stay), their fault reports the contact, their account its
    identity. Writes one audit entry saying an erasure happened, with counts only.

    Raises ``PhoneError`` / ``ErasureError`` (both ``ValueError``) for a bad phone or e-mail."""
    from django.contrib.auth import get_user_model

    phone, email = _clean(phone, email)
    with transaction.atomic():
        with disable_auditlog():  # one entry for the erasure, not one per row it changed
            counts: dict[str, int] = {}
            for eraser in registry.person_erasers:
                counts.update(eraser(phone=phone, email=email))
            # Last: the pillars find the person's records through the account.
            accounts, users = get_user_model()._default_manager.erase_accounts(
                phone=phone, email=email
            )
            counts.update(accounts)
        audit.record_erasure(counts, actor=actor, subject=users[0] if len(users) == 1 else None)
    return counts


def _purge_sessions(now) -> int:
    engine = settings.SESSION_ENGINE
    if engine.endswith(".db") or engine.endswith(".cached_db"):
        from django.contrib.sessions.models import Session

        return Session.objects.filter(expire_date__lt=now).delete()[0]
    from importlib import import_module

    import_module(engine).SessionStore.clear_expired()  # a cache or file store: no count
    return 0


def purge_personal_data(*, now=None, dry_run: bool = False) -> dict[str, int]:
    """Anonymise or delete the personal data past its retention (the ``PRIVACY_*_DAYS``
    settings). Idempotent; all or nothing; with ``dry_run`` the counts are the same and
    nothing is changed. Returns ``{what: count}``."""
    from auditlog.models import LogEntry

    now = now or timezone.now()
    with transaction.atomic():
        with disable_auditlog():
            counts: dict[str, int] = {}
            for purger in registry.personal_data_purgers:
                counts.update(purger(now))
            counts["expired sessions deleted"] = _purge_sessions(now)
            cut = now - timedelta(days=settings.PRIVACY_AUDIT_LOG_DAYS)
            counts["audit entries deleted"] = LogEntry.objects.filter(timestamp__lt=cut).delete()[0]
            counts["audit entries scrubbed"] = audit.scrub(audit.legacy_entries())
        if dry_run:
            transaction.set_rollback(True)
    return counts
