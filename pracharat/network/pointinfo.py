"""What a point's page reads beyond the point itself: its recent fixes, where to go when it
has closed, whether the reader is network staff (who see the contract and can search by
device), and the public stages of a report made there (the track page)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pracharat.accounts.models import Role
from pracharat.accounts.scoping import has_role
from pracharat.network import directions
from pracharat.network.models import PUBLIC_STAGES, FaultReport, Incident, ServicePoint

RECENT_FIX_DAYS = 90
NEAREST = 3

#: Roles that work on the network and see its registry in full (contracts, devices).
STAFF_ROLES = (Role.PROVINCIAL_OFFICER, Role.INSPECTOR, Role.OPERATOR, Role.AGENCY_OFFICER)


def is_network_staff(user) -> bool:
    return has_role(user, *STAFF_ROLES)


def recent_fixes(point: ServicePoint, now=None, limit: int = 5) -> list[Incident]:
    """The point's incidents resolved in the last 90 days, newest fix first."""
    since = (now or timezone.now()) - dt.timedelta(days=RECENT_FIX_DAYS)
    return list(
        point.incidents.resolved()
        .filter(resolved_at__gte=since)
        .select_related("service_point")
        .order_by("-resolved_at")[:limit]
    )


def alternatives(point: ServicePoint) -> dict:
    """For a decommissioned point: the points in service in the same sub-district, and the
    nearest ones in the province by straight-line distance (two queries; a province has a few
    thousand points at most)."""
    subdistrict = point.area_code[:6]
    rows = list(
        ServicePoint.objects.in_area(point.area_code[:2])
        .in_service()
        .exclude(pk=point.pk)
        .select_related("village")
        .only(
            "code",
            "place_name",
            "status",
            "area_code",
            "latitude",
            "longitude",
            "village__name_th",
            "village__name_en",
            "village__latitude",
            "village__longitude",
        )
    )
    same = [p for p in rows if p.area_code.startswith(subdistrict)]
    origin = point.location
    near = []
    if origin is not None:
        located = [(p, p.location) for p in rows if p.location is not None]
        near = [
            {"point": p, "km": round(km, 1), "maps_url": directions.maps_url(*p.location)}
            for p, km in directions.nearest(origin, located, NEAREST)
        ]
    return {"same_subdistrict": same[:10], "nearest": near}


def report_steps(report: FaultReport) -> list[dict]:
    """A report's public stages (received, assigned, being fixed, fixed), each with the moment
    it was reached, whether it is done and whether it is the current one (the track page)."""
    incident = report.incident
    reached = {"received": report.created}
    if incident is not None:
        if incident.agency_id:
            reached["assigned"] = max(report.created, incident.opened_at)
        if incident.acknowledged_at:
            reached["fixing"] = max(report.created, incident.acknowledged_at)
        if incident.resolved_at:
            reached["fixed"] = incident.resolved_at
            reached.setdefault("fixing", incident.resolved_at)
    current = incident.public_stage if incident is not None else "received"
    order = [key for key, _label in PUBLIC_STAGES]
    return [
        {
            "key": key,
            "label": label,
            "at": reached.get(key),
            "done": order.index(key) <= order.index(current),
            "current": key == current,
        }
        for key, label in PUBLIC_STAGES
    ]
