"""Messages of the learning pillar, through ``core.notifications.notify``."""

from __future__ import annotations

from pracharat.core.notifications import notify


def _deciders(event):
    """Who is told of a booking request: the centre's host agency, or for a service point the
    provincial officers of its province."""
    from pracharat.accounts.models import Membership, Role, User

    if event.centre_id and event.centre.host_id:
        return [event.centre.host]
    province = event.area_code[:2]
    ids = Membership.objects.filter(
        role=Role.PROVINCIAL_OFFICER, area_code__in=["", province]
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def booking_requested(event) -> None:
    notify(_deciders(event), "learning/notifications/booking_requested", {"event": event})


def booking_decided(event) -> None:
    if event.requested_by_id:
        notify([event.requested_by], "learning/notifications/booking_decided", {"event": event})
