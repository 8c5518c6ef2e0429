"""Named reads of the network pillar. Views, the API and benchmarks ask these; none build filters.

Scoping: service points, usage and sessions follow the area rule of ``AreaQuerySet``. Incidents
and fault reports are seen by those who follow or fix the network of an area (provincial
officers, inspectors, operators) and by the officers of the agency they are assigned to,
wherever the point is (an NT office may serve villages outside its own area code); trainers
and other agencies' officers (the post) have no network work. A village's volunteer sees the
incidents of the points in their own villages (``village_volunteer_codes``), without the
reporters' contact or photos. A reporter's contact is shown only to those who may work on the
incident and so call back (``with_contact_for``).
See docs/privacy.md.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from django.db.models import Case, CharField, Count, F, Max, Q, Sum, Value, When
from django.utils import timezone

from pracharat.core.models import AreaQuerySet, area_q

# A point is online while it has sent accounting (or a heartbeat) this recently. Interim
# updates usually come every 5-10 minutes; 3 missed interims is silence, not a slow minute.
ONLINE_WINDOW = timedelta(minutes=30)


class ServicePointQuerySet(AreaQuerySet):
    def in_service(self):
        return self.exclude(status="decommissioned")

    def with_status(self, status: str):
        return self.filter(status=status)

    def online(self, now=None):
        now = now or timezone.now()
        return self.in_service().filter(last_seen__gte=now - ONLINE_WINDOW)

    def offline(self, now=None):
        now = now or timezone.now()
        return self.in_service().filter(
            Q(last_seen__lt=now - ONLINE_WINDOW) | Q(last_seen__isnull=True)
        )

    def for_provider(self, agency_id: int):
        return self.filter(provider_id=agency_id)

    def with_place(self):
        """Village, sub-district, district and province names in the same query."""
        return self.select_related("village__subdistrict__district__province", "provider")

    def search(self, query: str, *, devices: bool = False):
        """The registry's search: a point code (or its start), a village's DOPA code (or any
        area code: a prefix), a village or place name; with ``devices`` (staff only) also a
        device's NAS-Identifier, address or the provider's circuit ID."""
        from pracharat.core.lib.area import BadAreaCode, clean

        query = " ".join(query.split())
        if not query:
            return self
        rule = (
            Q(code__iexact=query)
            | Q(code__istartswith=query)
            | Q(village__name_th__contains=query)
            | Q(village__name_en__icontains=query)
            | Q(place_name__icontains=query)
        )
        digits = query.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
        if digits.isdigit():
            with contextlib.suppress(BadAreaCode):
                rule |= area_q([clean(digits)])
        if devices:
            from pracharat.network.models import Nas

            nas = Nas.objects.filter(Q(nas_identifier__iexact=query) | Q(nas_ip=_ip_or_none(query)))
            rule |= Q(pk__in=nas.values("service_point_id")) | Q(circuit_id__iexact=query)
        return self.filter(rule)

    def status_counts(self) -> dict[str, int]:
        """{status: count} in one query."""
        return dict(self.order_by().values_list("status").annotate(n=Count("pk")))

    def visible_to(self, user):
        """Anyone may see points (they are public places); kept for symmetry with the others."""
        return self


def _ip_or_none(text: str) -> str | None:
    from ipaddress import ip_address

    try:
        return str(ip_address(text))
    except ValueError:
        return None


class PointCostQuerySet(AreaQuerySet):
    area_field = "service_point__area_code"

    def rate_on(self, day: date):
        """The row in effect on ``day`` (the latest that had started by then), or None."""
        return self.filter(effective_from__lte=day).order_by("-effective_from").first()


class AlertSourceQuerySet(AreaQuerySet):
    area_field = "agency__area_code"

    def active(self):
        return self.filter(is_active=True)


class NasQuerySet(AreaQuerySet):
    area_field = "service_point__area_code"

    def active(self):
        return self.filter(is_active=True)

    def secrets_map(self) -> dict[tuple[str, str], tuple[int, int, bytes]]:
        """{(nas_ip, nas_identifier): (nas id, service point id, secret)} for the listener."""
        return {
            (ip, ident or ""): (pk, sp, secret.encode())
            for pk, ip, ident, sp, secret in self.active().values_list(
                "pk", "nas_ip", "nas_identifier", "service_point_id", "secret"
            )
        }


class AccountingSessionQuerySet(AreaQuerySet):
    def open(self):
        return self.filter(status="open")

    def closed(self):
        return self.filter(status="closed")

    def overlapping(self, start, end):
        """Sessions online at some time in [start, end)."""
        return self.filter(started_at__lt=end).filter(
            Q(stopped_at__isnull=True, updated_at__gte=start) | Q(stopped_at__gte=start)
        )


class _UsageTotalsMixin:
    def totals(self) -> dict:
        """Sums over the rows in one query (zeros when there are none)."""
        result = self.order_by().aggregate(
            sessions=Sum("sessions"),
            session_seconds=Sum("session_seconds"),
            bytes_in=Sum("bytes_in"),
            bytes_out=Sum("bytes_out"),
        )
        return {key: value or 0 for key, value in result.items()}


class DailyUsageQuerySet(_UsageTotalsMixin, AreaQuerySet):
    def between(self, start: date, end: date):
        """Days ``start`` to ``end`` inclusive."""
        return self.filter(day__gte=start, day__lte=end)

    def on(self, day: date):
        return self.filter(day=day)

    def per_day(self):
        """Rows of {day, sessions, users, session_seconds, bytes_in, bytes_out, peak, points}."""
        return (
            self.order_by("day")
            .values("day")
            .annotate(
                sessions_sum=Sum("sessions"),
                users=Sum("unique_users"),
                seconds=Sum("session_seconds"),
                bytes_in_sum=Sum("bytes_in"),
                bytes_out_sum=Sum("bytes_out"),
                peak=Max("peak_concurrent"),
                points=Count("service_point_id"),
            )
        )

    def per_point(self):
        """Totals per service point over the rows' period, for best/worst lists."""
        return (
            self.order_by()
            .values("service_point_id")
            .annotate(
                sessions_sum=Sum("sessions"),
                user_days=Sum("unique_users"),
                seconds=Sum("session_seconds"),
                bytes_total=Sum(F("bytes_in") + F("bytes_out")),
                peak=Max("peak_concurrent"),
            )
        )

    def visible_to(self, user):
        return self  # usage in aggregate is public


class MonthlyUsageQuerySet(_UsageTotalsMixin, AreaQuerySet):
    def for_month(self, month: date):
        return self.filter(month=month.replace(day=1))

    def between(self, start: date, end: date):
        return self.filter(month__gte=start.replace(day=1), month__lte=end.replace(day=1))

    def ranked(self, key: str = "user_days", *, worst: bool = False):
        """Points ordered best first (or worst first) by ``key``; ties by code."""
        order = key if worst else f"-{key}"
        return self.select_related("service_point").order_by(order, "service_point__code")

    def visible_to(self, user):
        return self


class AreaDailyUsageQuerySet(_UsageTotalsMixin, AreaQuerySet):
    def provinces(self):
        """Province rows (2-digit codes): their sum is the country."""
        return self._level(2)

    def districts(self):
        return self._level(4)

    def _level(self, length: int):
        return self.filter(level=length)

    def between(self, start: date, end: date):
        return self.filter(day__gte=start, day__lte=end)

    def per_day(self):
        return (
            self.order_by("day")
            .values("day")
            .annotate(
                sessions_sum=Sum("sessions"),
                users=Sum("user_days"),
                seconds=Sum("session_seconds"),
                bytes_in_sum=Sum("bytes_in"),
                bytes_out_sum=Sum("bytes_out"),
                points_sum=Sum("points"),
            )
        )

    def per_area(self):
        return (
            self.order_by("area_code")
            .values("area_code")
            .annotate(
                sessions_sum=Sum("sessions"),
                users=Sum("user_days"),
                seconds=Sum("session_seconds"),
                bytes_total=Sum(F("bytes_in") + F("bytes_out")),
            )
        )

    def visible_to(self, user):
        return self


def network_area_roles():
    """Roles that see the incidents of their area, whoever they are assigned to."""
    from pracharat.accounts.models import Role

    return {Role.PROVINCIAL_OFFICER, Role.INSPECTOR, Role.OPERATOR}


def _area_or_agency(qs, user):
    from pracharat.accounts.scoping import agency_ids_for, area_codes_for

    codes = area_codes_for(user, roles=network_area_roles())
    if codes is None:
        return qs
    agencies = agency_ids_for(user)
    return qs.filter(area_q(codes, qs.area_field) | Q(**{f"{qs.agency_field}__in": agencies}))


def village_volunteer_codes(user) -> list[str]:
    """The villages ``user`` serves as their volunteer (``Role.VOLUNTEER`` memberships, kept
    by the volunteers registry): village codes only, never a wider area."""
    from pracharat.accounts.models import Role
    from pracharat.accounts.scoping import area_codes_for

    if user is None or not user.is_authenticated or user.is_superuser:
        return []
    return [c for c in area_codes_for(user, roles={Role.VOLUNTEER}) or [] if len(c) == 8]


class IncidentQuerySet(AreaQuerySet):
    agency_field = "agency_id"

    def unresolved(self):
        return self.exclude(status="resolved")

    def resolved(self):
        return self.filter(status="resolved")

    def overdue(self, now=None):
        return self.unresolved().filter(sla_due__lt=now or timezone.now())

    def for_agency(self, agency_id: int):
        return self.filter(agency_id=agency_id)

    def with_point(self):
        return self.select_related("service_point", "agency")

    def visible_to(self, user):
        """Area roles see their area; agency officers also see every incident assigned to their
        agency; a village's volunteer, the incidents of that village's points. Anonymous users
        see none (the public sees a point's status, not the ticket)."""
        villages = village_volunteer_codes(user)
        if not villages:
            return _area_or_agency(self, user)
        return self.filter(
            Q(pk__in=_area_or_agency(self.model.objects.all(), user).values("pk"))
            | Q(area_code__in=villages)
        )

    def worked_on_by(self, user):
        """Those seen through network work (area or agency): not a volunteer's village view."""
        return _area_or_agency(self, user)

    def followed_by(self, user):
        return self.filter(followers__user=user) if user.is_authenticated else self.none()


class FaultReportQuerySet(AreaQuerySet):
    agency_field = "incident__agency_id"

    def recent_from(self, ip_hash: str, since):
        """Reports from one client since ``since``: the public form's rate limit."""
        return self.filter(ip_hash=ip_hash, created__gte=since)

    def visible_to(self, user):
        return _area_or_agency(self, user)

    def seen_by(self, user):
        """Reports the user may see directly or on their incident's page (which lists the
        incident's reports): who may open a report's photo. A village's volunteer sees the
        incident but not the public's photos (they may show people): network work only."""
        incident = self.model._meta.get_field("incident").related_model
        return self.filter(
            Q(pk__in=self.model.objects.visible_to(user).values("pk"))
            | Q(incident__in=incident.objects.worked_on_by(user).values("pk"))
        )

    def with_photo(self):
        return self.exclude(photo="")

    def with_contact_for(self, user):
        """Annotate ``contact_shown``: the reporter's contact for those who may work on the
        report's incident (the assigned agency's officers, the area's operators, superusers;
        as ``actions.can_work_on``), "" for everyone else -- a provincial officer or an
        inspector follows the incident, not the person who reported it."""
        from pracharat.accounts.models import Role
        from pracharat.accounts.scoping import agency_ids_for, area_codes_for

        if user is None or not user.is_authenticated:
            return self.annotate(contact_shown=Value(""))
        if user.is_superuser:
            return self.annotate(contact_shown=F("contact"))
        rule = Q(incident__agency_id__in=agency_ids_for(user, {Role.AGENCY_OFFICER, Role.OPERATOR}))
        operator_codes = area_codes_for(user, roles={Role.OPERATOR})
        if operator_codes is None:  # a national operator
            return self.annotate(contact_shown=F("contact"))
        if operator_codes:
            rule |= area_q(operator_codes)
        return self.annotate(
            contact_shown=Case(
                When(rule, then=F("contact")), default=Value(""), output_field=CharField()
            )
        )
