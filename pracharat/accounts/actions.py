"""Writes on accounts, each in a transaction and in the audit log (django-auditlog)."""

from __future__ import annotations

from django.db import transaction

from pracharat.accounts.models import ApiToken


@transaction.atomic
def issue_api_token(user, name: str) -> tuple[ApiToken, str]:
    """Create a token; the plain key is returned once and never stored."""
    return ApiToken.issue(user, name)


@transaction.atomic
def revoke_api_token(user, token_id: int) -> bool:
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)
