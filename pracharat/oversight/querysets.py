"""Named reads of oversight. Views, the API and reports ask these; none build filters.

Who sees what (docs/oversight.md):

- **Area roles** (provincial officers, inspectors, operators, agency officers) see the
  workspace (meetings, announcements, plans), the submitted visits, their findings and the
  follow-up actions of the areas of their memberships; a national membership sees the country.
- **An agency's officers** also see every action their agency owns, wherever it is, and the
  meetings their agency attended.
- **Drafts**: a visit being written is seen only by inspectors of its area, by its own
  inspectors and by whoever created it (with its findings and photos).
- Trainers, volunteers, producers, buyers and anonymous visitors see none of it; published
  news posts are public (``NewsPostQuerySet.published``).
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from pracharat.core.models import AreaQuerySet, area_q


def oversight_roles():
    from pracharat.accounts.models import Role

    return {Role.PROVINCIAL_OFFICER, Role.INSPECTOR, Role.OPERATOR, Role.AGENCY_OFFICER}


def area_codes(user):
    """The areas whose oversight records ``user`` sees (None: everywhere; []: none)."""
    from pracharat.accounts.scoping import area_codes_for

    return area_codes_for(user, roles=oversight_roles())


def inspector_codes(user):
    from pracharat.accounts.models import Role
    from pracharat.accounts.scoping import area_codes_for

    return area_codes_for(user, roles={Role.INSPECTOR})


def agency_ids(user):
    """The agencies whose officers ``user`` is (their own actions, wherever they are)."""
    from pracharat.accounts.models import Role
    from pracharat.accounts.scoping import agency_ids_for

    return agency_ids_for(user, {Role.AGENCY_OFFICER})


def _authenticated(user) -> bool:
    return user is not None and user.is_authenticated


class _Scoped(AreaQuerySet):
    def visible_to(self, user):
        if not _authenticated(user):
            return self.none()
        codes = area_codes(user)
        if codes is None:
            return self
        return self.filter(area_q(codes, self.area_field))


class MeetingQuerySet(_Scoped):
    def visible_to(self, user):
        if not _authenticated(user):
            return self.none()
        codes = area_codes(user)
        if codes is None:
            return self
        mine = agency_ids(user)
        rule = area_q(codes)
        if mine:
            rule |= Q(pk__in=_attended_by(self.model, mine))
        return self.filter(rule)

    def upcoming(self, now=None):
        return self.filter(starts_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now=None):
        return self.filter(starts_at__lt=now or timezone.now())

    def with_counts(self):
        return self.annotate(
            attendee_count=Count("attendees", distinct=True),
            action_count=Count("actions", distinct=True),
        )


def _attended_by(meeting_model, agencies):
    attendee = meeting_model._meta.get_field("attendees").related_model
    return attendee.objects.filter(agency_id__in=agencies).values("meeting_id")


class AnnouncementQuerySet(_Scoped):
    def published(self, now=None):
        return self.filter(published_at__lte=now or timezone.now())


class InspectionPlanQuerySet(_Scoped):
    def for_year(self, fiscal_year: int):
        return self.filter(fiscal_year=fiscal_year)


def _visit_rule(user, prefix: str = "") -> Q | None:
    """The visits ``user`` sees as a Q on ``prefix`` (``"visit__"`` from a related row);
    None: all of them."""
    if user.is_superuser:
        return None
    codes = area_codes(user)
    inspect = inspector_codes(user)
    area = f"{prefix}area_code"
    submitted = Q(**{f"{prefix}status": "submitted"})
    own = Q(**{f"{prefix}created_by": user}) | Q(**{f"{prefix}inspectors": user})
    if codes is None and inspect is None:
        return None
    seen = submitted if codes is None else (submitted & area_q(codes, area))
    drafts = Q() if inspect is None else area_q(inspect, area)
    return seen | (Q(**{f"{prefix}status": "draft"}) & drafts) | own


class VisitQuerySet(AreaQuerySet):
    def visible_to(self, user):
        if not _authenticated(user):
            return self.none()
        rule = _visit_rule(user)
        if rule is None:
            return self
        # ``inspectors`` joins a many-to-many: keep the rows distinct by reading the ids.
        return self.filter(pk__in=self.model.objects.filter(rule).values("pk"))

    def submitted(self):
        return self.filter(status="submitted")

    def drafts(self):
        return self.filter(status="draft")

    def in_fiscal_year(self, fiscal_year: int):
        from pracharat.core.lib.thaidate import fiscal_year as fy

        period = fy(fiscal_year)
        return self.filter(start_date__gte=period.start, start_date__lte=period.end)

    def with_counts(self):
        return self.annotate(
            finding_count=Count("findings", distinct=True),
            action_count=Count("actions", distinct=True),
        )


class FindingQuerySet(AreaQuerySet):
    area_field = "visit__area_code"

    def visible_to(self, user):
        if not _authenticated(user):
            return self.none()
        visit = self.model._meta.get_field("visit").related_model
        if user.is_superuser:
            return self
        return self.filter(visit__in=visit.objects.visible_to(user).values("pk"))

    def by_category(self) -> dict[str, int]:
        return dict(self.order_by().values_list("category").annotate(n=Count("pk")))

    def with_place(self):
        return self.select_related(
            "visit", "place", "place__service_point", "place__agency", "place__producer_group"
        )


class FindingPhotoQuerySet(AreaQuerySet):
    area_field = "finding__visit__area_code"

    def visible_to(self, user):
        if not _authenticated(user):
            return self.none()
        finding = self.model._meta.get_field("finding").related_model
        return self.filter(finding__in=finding.objects.visible_to(user).values("pk"))

    def publishable(self):
        return self.filter(public=True)


class FollowUpActionQuerySet(AreaQuerySet):
    def visible_to(self, user):
        """Area roles see their areas' actions; an agency's officers also see their own."""
        if not _authenticated(user):
            return self.none()
        codes = area_codes(user)
        if codes is None:
            return self
        rule = area_q(codes)
        mine = agency_ids(user)
        if mine:
            rule |= Q(owner_id__in=mine)
        return self.filter(rule)

    def owned_by(self, agency_id: int):
        return self.filter(owner_id=agency_id)

    def pending(self):
        from pracharat.oversight.models import PENDING_STATUSES

        return self.filter(status__in=PENDING_STATUSES)

    def overdue(self, today=None):
        return self.pending().filter(due_date__lt=today or timezone.localdate())

    def due_within(self, days: int, today=None):
        """Pending actions due from today to ``days`` days on (for reminders)."""
        import datetime as dt

        today = today or timezone.localdate()
        return self.pending().filter(
            due_date__gte=today, due_date__lte=today + dt.timedelta(days=days)
        )

    def with_owner(self):
        return self.select_related("owner")

    def status_counts(self) -> dict[str, int]:
        return dict(self.order_by().values_list("status").annotate(n=Count("pk")))


class NewsPostQuerySet(AreaQuerySet):
    def published(self, now=None):
        return self.filter(published_at__isnull=False, published_at__lte=now or timezone.now())

    def national(self):
        """Every published post of the country (the national feed lists all provinces)."""
        return self.published()

    def visible_to(self, user):
        """Published posts for anyone; drafts for the area roles of their province."""
        published = Q(published_at__isnull=False, published_at__lte=timezone.now())
        if not _authenticated(user):
            return self.filter(published)
        codes = area_codes(user)
        if codes is None:
            return self
        return self.filter(published | area_q(codes))
