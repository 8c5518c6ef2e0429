"""Which areas a user may see. Every domain queryset's ``visible_to(user)`` asks this."""

from __future__ import annotations

from pracharat.accounts.models import Membership, Role

# Roles whose area is a view of everything located there. Producers and volunteers see only
# what their own pillar grants them (their group's orders, their reports), not an area.
AREA_ROLES = {
    Role.PROVINCIAL_OFFICER,
    Role.INSPECTOR,
    Role.OPERATOR,
    Role.AGENCY_OFFICER,
    Role.TRAINER,
}


def _memberships(user) -> list[Membership]:
    cached = getattr(user, "_pracharat_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user))
        user._pracharat_memberships = cached
    return cached


def area_codes_for(user, roles=AREA_ROLES) -> list[str] | None:
    """Area codes the user sees, or None for no limit. Anonymous users see no area."""
    if user is None or not user.is_authenticated:
        return []
    if user.is_superuser:
        return None
    codes = sorted({m.area_code for m in _memberships(user) if m.role in roles})
    if "" in codes:
        return None
    return codes


def agency_ids_for(user, roles=None) -> list[int]:
    """Agencies the user belongs to (through a membership of one of ``roles``, or any)."""
    if user is None or not user.is_authenticated:
        return []
    return sorted(
        {
            m.agency_id
            for m in _memberships(user)
            if m.agency_id and (roles is None or m.role in roles)
        }
    )


def has_role(user, *roles: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or any(m.role in roles for m in _memberships(user))
