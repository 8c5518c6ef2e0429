"""System checks for what settings alone cannot promise."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register

from pracharat.core.storage import PRIVATE_STORAGE_ALIAS


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


@register()
def private_root_is_not_public(app_configs=None, **kwargs):
    """Private files must never sit under a root that a public URL serves."""
    entry = settings.STORAGES.get(PRIVATE_STORAGE_ALIAS)
    if not entry or not entry.get("OPTIONS", {}).get("location"):
        return [
            Error(
                "STORAGES['private'] with OPTIONS['location'] is missing.",
                hint="Fault photos and transfer slips need a private root.",
                id="pracharat.E001",
            )
        ]
    private = Path(entry["OPTIONS"]["location"]).resolve()
    errors = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = getattr(settings, name, None)
        if public and (
            _inside(private, Path(public).resolve()) or _inside(Path(public).resolve(), private)
        ):
            errors.append(
                Error(
                    f"The private upload root {private} overlaps {name} ({public}).",
                    hint="Set PRIVATE_MEDIA_ROOT to a directory outside every public root.",
                    id="pracharat.E002",
                )
            )
    return errors


@register()
def user_model_offers_what_core_asks(app_configs=None, **kwargs):
    """Core reaches accounts only through ``settings.AUTH_USER_MODEL``: the area rule asks a
    user ``area_codes()`` and erasure asks the manager ``erase_accounts(phone=, email=)``."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    missing = [
        name
        for name, owner in (("area_codes", model), ("erase_accounts", model._default_manager))
        if not callable(getattr(owner, name, None))
    ]
    return [
        Error(
            f"{settings.AUTH_USER_MODEL} has no {name}() (core.models / core.personal_data).",
            hint="See docs/architecture.md, 'Core is the ground floor'.",
            id="pracharat.E003",
        )
        for name in missing
    ]


@register()
def platform_signing_key_loads(app_configs=None, **kwargs):
    """The platform's signing key (core.keys) must be an Ed25519 private key in PEM."""
    from django.core.exceptions import ImproperlyConfigured

    from pracharat.core import keys

    try:
        keys.signing_key()
    except (ImproperlyConfigured, OSError) as exc:
        return [
            Error(
                f"The platform signing key cannot be used: {exc}",
                hint="Set PLATFORM_SIGNING_KEY(_FILE) to the PEM `pracharat signing_key` prints.",
                id="pracharat.E004",
            )
        ]
    return []
