"""Named reads of the learning pillar.

Public: centres, courses, classes and their sessions, confirmed venue events, and counts.

Learners' personal data (name, phone; their enrolments and attendance) is seen only by
(``Cohort.objects.with_learners_for(user)``, the one rule every other read here follows):

- the class's trainer (``Cohort.trainer``);
- the staff of the centre where it meets or of the agency that organises it: a person with a
  *trainer* membership of the centre's host agency or of the organising agency;
- the provincial officers of the area where it meets (a provincial officer's membership area
  contains the class's venue; a national one sees all), and superusers.

Everyone else, agency officers, inspectors, volunteers and the public included, sees counts
only. See docs/privacy.md and docs/learning.md.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from pracharat.core.models import AreaQuerySet, area_q

NOTHING = Q(pk__in=[])


def _roles():
    from pracharat.accounts.models import Role  # the app registry is ready by call time

    return Role


def staff_agency_ids(user) -> list[int]:
    """Agencies whose centres and classes ``user`` works at as staff (trainer memberships)."""
    from pracharat.accounts.scoping import agency_ids_for

    return agency_ids_for(user, roles={_roles().TRAINER})


def officer_area_codes(user) -> list[str] | None:
    """Areas where ``user`` is a provincial officer (None: everywhere, a superuser included)."""
    from pracharat.accounts.scoping import area_codes_for

    return area_codes_for(user, roles={_roles().PROVINCIAL_OFFICER})


def learner_scope(user, prefix: str = "") -> Q | None:
    """The classes whose learners ``user`` sees, as a Q on ``Cohort`` fields (``prefix``:
    ``"cohort__"`` from an enrolment); None means every class."""
    if user is None or not user.is_authenticated:
        return NOTHING
    codes = officer_area_codes(user)
    if codes is None:
        return None
    query = Q(**{f"{prefix}trainer": user})
    agencies = staff_agency_ids(user)
    if agencies:
        query |= Q(**{f"{prefix}centre__host_id__in": agencies})
        query |= Q(**{f"{prefix}organiser_id__in": agencies})
    if codes:
        query |= area_q(codes, f"{prefix}area_code")
    return query


def _scoped(queryset, user, prefix: str):
    query = learner_scope(user, prefix)
    return queryset if query is None else queryset.filter(query)


class CentreQuerySet(AreaQuerySet):
    def visible_to(self, user):
        """Centres are public places."""
        return self

    def in_service(self):
        return self.exclude(status="closed")

    def staffed_by(self, user):
        """Centres ``user`` works at: hosted by their agency (trainer), or in the area of
        their provincial office."""
        if user is None or not user.is_authenticated:
            return self.none()
        codes = officer_area_codes(user)
        if codes is None:
            return self
        query = Q(host_id__in=staff_agency_ids(user)) | (area_q(codes) if codes else NOTHING)
        return self.filter(query)

    def with_place(self):
        return self.select_related(
            "village__subdistrict__district__province", "host", "service_point"
        )


class CourseQuerySet(AreaQuerySet):
    area_field = "cohorts__area_code"

    def visible_to(self, user):
        return self


class CohortQuerySet(AreaQuerySet):
    def visible_to(self, user):
        """Classes are public (their learners are not: ``with_learners_for``)."""
        return self

    def public(self):
        """What the public calendar shows: not planned (a draft), not cancelled."""
        return self.filter(status__in=["open", "in_progress", "completed"])

    def open_for_registration(self):
        return self.filter(status="open")

    def with_learners_for(self, user):
        """Classes whose learners ``user`` may see and manage (see the module's doc)."""
        return _scoped(self, user, "")

    def with_venue(self):
        return self.select_related(
            "course", "centre", "service_point", "service_point__village", "trainer", "organiser"
        )

    def with_counts(self):
        """``registered`` (enrolments not withdrawn) and ``session_count`` on each row."""
        return self.annotate(
            registered=Count(
                "enrolments", filter=Q(enrolments__status="registered"), distinct=True
            ),
            session_count=Count("sessions", distinct=True),
        )

    def at_venue(self, venue):
        from pracharat.learning.models import Centre

        if isinstance(venue, Centre):
            return self.filter(centre=venue)
        return self.filter(service_point=venue)


class ClassSessionQuerySet(AreaQuerySet):
    area_field = "cohort__area_code"

    def visible_to(self, user):
        return self

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now())

    def between(self, start, end):
        """Sessions overlapping [start, end)."""
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def public(self):
        return self.filter(cohort__status__in=["open", "in_progress", "completed"])


class LearnerQuerySet(AreaQuerySet):
    def visible_to(self, user):
        """Learners with an enrolment in a class whose learners ``user`` sees."""
        from pracharat.learning.models import Enrolment

        query = learner_scope(user)
        if query is None:
            return self
        return self.filter(pk__in=Enrolment.objects.visible_to(user).values("learner_id"))

    def not_erased(self):
        return self.filter(erased_at__isnull=True)


class EnrolmentQuerySet(AreaQuerySet):
    area_field = "cohort__area_code"

    def visible_to(self, user):
        return _scoped(self, user, "cohort__")

    def registered(self):
        return self.filter(status="registered")


class AttendanceQuerySet(AreaQuerySet):
    area_field = "session__cohort__area_code"

    def visible_to(self, user):
        return _scoped(self, user, "enrolment__cohort__")

    def attended(self):
        return self.filter(status__in=["present", "late"])


class CertificateQuerySet(AreaQuerySet):
    area_field = "enrolment__cohort__area_code"

    def visible_to(self, user):
        """Whole certificates (with the holder's enrolment); the public verification page
        reads one by its code and shows only name, course, date and issuer."""
        return _scoped(self, user, "enrolment__cohort__")

    def valid(self):
        return self.filter(revoked_at__isnull=True)


class VenueEventQuerySet(AreaQuerySet):
    def visible_to(self, user):
        """Confirmed events are public; requests are seen by who asked and who decides."""
        if user is None or not user.is_authenticated:
            return self.confirmed()
        codes = officer_area_codes(user)
        if codes is None:
            return self
        query = Q(status="confirmed") | Q(requested_by=user)
        agencies = staff_agency_ids(user)
        if agencies:
            query |= Q(centre__host_id__in=agencies)
        if codes:
            query |= area_q(codes)
        return self.filter(query)

    def confirmed(self):
        return self.filter(status="confirmed")

    def at_venue(self, venue):
        from pracharat.learning.models import Centre

        if isinstance(venue, Centre):
            return self.filter(centre=venue)
        return self.filter(service_point=venue)

    def overlapping(self, start, end):
        """Events with an occurrence that may fall in [start, end): one-offs overlapping it and
        weekly ones that started before its end and repeat past its start."""
        one_off = Q(weekly=False, starts_at__lt=end, ends_at__gt=start)
        weekly = Q(weekly=True, starts_at__lt=end) & (
            Q(repeat_until__isnull=True) | Q(repeat_until__gte=start.date())
        )
        return self.filter(one_off | weekly)
