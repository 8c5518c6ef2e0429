"""Named reads of the volunteers pillar.

Who sees what (docs/privacy.md, "Volunteers"): the registry and the activity log (names,
phones, notes, photos) are seen by the officers who oversee an area -- provincial officers,
inspectors, operators -- for the volunteers serving a village there, and by each volunteer for
their own record. The public sees only :meth:`VolunteerQuerySet.public`: active volunteers'
public names, villages, since when and counts.
"""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from pracharat.core.models import AreaQuerySet, area_q


def overseer_roles():
    from pracharat.accounts.models import Role

    return {Role.PROVINCIAL_OFFICER, Role.INSPECTOR, Role.OPERATOR}


def overseen_codes(user) -> list[str] | None:
    """Areas whose volunteers ``user`` oversees (None: all; []: none)."""
    from pracharat.accounts.scoping import area_codes_for

    return area_codes_for(user, roles=overseer_roles())


class VolunteerQuerySet(AreaQuerySet):
    def active(self):
        return self.filter(status="active")

    def in_area(self, code: str):
        """Volunteers serving at least one village in the area (one query, a subquery)."""
        from pracharat.volunteers.models import VolunteerVillage

        return self.filter(pk__in=VolunteerVillage.objects.in_area(code).values("volunteer_id"))

    def public(self):
        return self.active()

    def visible_to(self, user):
        """Officers overseeing an area see its volunteers' records; a volunteer their own."""
        from pracharat.volunteers.models import VolunteerVillage

        if user is None or not user.is_authenticated:
            return self.none()
        codes = overseen_codes(user)
        if codes is None:
            return self
        own = Q(user=user)
        if not codes:
            return self.filter(own)
        area = VolunteerVillage.objects.filter(area_q(codes)).values("volunteer_id")
        return self.filter(own | Q(pk__in=area))

    def with_counts(self):
        """Annotate ``activity_count`` and ``helped`` (people helped, all time)."""
        return self.annotate(
            activity_count=Count("activities"), helped=Sum("activities__people_helped")
        )


class ActivityQuerySet(AreaQuerySet):
    def between(self, start, end):
        return self.filter(date__gte=start, date__lte=end)

    def visible_to(self, user):
        """The area's overseeing officers see its activities; a volunteer their own."""
        if user is None or not user.is_authenticated:
            return self.none()
        codes = overseen_codes(user)
        if codes is None:
            return self
        own = Q(volunteer__user=user)
        return self.filter(own | area_q(codes)) if codes else self.filter(own)

    def totals(self) -> dict:
        """{activities, people_helped} in one query."""
        result = self.order_by().aggregate(
            activities=Count("pk"), people_helped=Sum("people_helped")
        )
        return {key: value or 0 for key, value in result.items()}

    def by_kind(self) -> dict[str, dict]:
        """{kind: {"n": activities, "helped": people}} in one query."""
        rows = self.order_by().values("kind").annotate(n=Count("pk"), helped=Sum("people_helped"))
        return {r["kind"]: {"n": r["n"], "helped": r["helped"] or 0} for r in rows}
