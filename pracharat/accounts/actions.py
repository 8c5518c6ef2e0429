"""Writes on accounts, each in a transaction and in the audit log (django-auditlog)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q

from pracharat.accounts.models import ApiToken, Membership, User


@transaction.atomic
def issue_api_token(user, name: str) -> tuple[ApiToken, str]:
    """Create a token; the plain key is returned once and never stored."""
    return ApiToken.issue(user, name)


@transaction.atomic
def revoke_api_token(user, token_id: int) -> bool:
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


# --- Personal data: retention and erasure (docs/privacy.md) -------------------------------------


def _login_records():
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    return (AccessAttempt, AccessLog, AccessFailureLog)


def purge_login_records(now) -> dict[str, int]:
    """Retention: django-axes' records of logins and failed logins (login name, address,
    browser) go after ``PRIVACY_LOGIN_RECORD_DAYS``."""
    cut = now - timedelta(days=settings.PRIVACY_LOGIN_RECORD_DAYS)
    deleted = sum(
        model.objects.filter(attempt_time__lt=cut).delete()[0] for model in _login_records()
    )
    return {"login records deleted": deleted}


def erased_email(user: User) -> str:
    """What an erased account's e-mail becomes: unique, and never deliverable (RFC 2606)."""
    return f"erased-{user.pk}@erased.invalid"


def erase_accounts(*, phone: str = "", email: str = "") -> tuple[dict[str, int], list[User]]:
    """Erase the accounts with this (normalised) phone or e-mail: name, e-mail and phone
    replaced, no password, inactive, no roles or tokens, no login records; the audit log
    keeps the link (who did what) to the anonymous account, without its e-mail.

    Call after the pillars' erasers, which find the person's records through the account."""
    from auditlog.models import LogEntry

    from pracharat.core import audit

    rule = Q(pk__in=[])
    if phone:
        rule |= Q(phone=phone)
    if email:
        rule |= Q(email__iexact=email)
    users = list(User.objects.filter(rule))
    logins = {key for key in (phone, email.lower()) if key}
    for user in users:
        logins.update(key for key in (user.phone, (user.email or "").lower()) if key)
    records = sum(
        model.objects.filter(username__in=logins).delete()[0] for model in _login_records()
    )
    for user in users:
        User.objects.filter(pk=user.pk).update(
            email=erased_email(user),
            phone=None,
            full_name="",
            is_active=False,
            is_staff=False,
            is_superuser=False,
            password=make_password(None),  # unusable: every session of the account ends
        )
    ids = [u.pk for u in users]
    Membership.objects.filter(user_id__in=ids).delete()
    ApiToken.objects.filter(user_id__in=ids).delete()
    User.groups.through.objects.filter(user_id__in=ids).delete()
    User.user_permissions.through.objects.filter(user_id__in=ids).delete()
    LogEntry.objects.filter(actor_id__in=ids).exclude(actor_email=None).update(actor_email=None)
    audit.scrub(audit.entries_about(User, ids))
    return {"accounts": len(users), "login records": records}, users
