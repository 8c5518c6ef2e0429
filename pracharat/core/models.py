"""Shared model pieces: the area-code column, its prefix lookup, and area-scoped querysets."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Lookup, Q
from django.utils.translation import gettext_lazy as _

from pracharat.core.lib import area

area_code_validator = RegexValidator(
    r"^(?:\d{2}|\d{4}|\d{6}|\d{8})?$", _("An area code has 2, 4, 6 or 8 digits.")
)


class AreaCodeField(models.CharField):
    """DOPA area code of the smallest area a record is in (see ``core.lib.area``)."""

    default_validators = [area_code_validator]

    def __init__(self, verbose_name=None, **kwargs):
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault("db_index", True)
        super().__init__(verbose_name or _("area code"), **kwargs)

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            # Byte order, so the B-tree index serves prefix ranges whatever the DB collation.
            params["collation"] = "C"
        return params

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_length", 8), ("db_index", True)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs


@AreaCodeField.register_lookup
class InArea(Lookup):
    """``area_code__in_area="65"``: the code starts with the prefix.

    Written as a range (``>= '65' AND < '65:'``) rather than ``LIKE '65%'`` so that SQLite
    uses the column's index (its LIKE optimisation is off with Django's ESCAPE clause).
    On PostgreSQL the column is created with the "C" collation (see ``db_parameters``), so
    the same range is byte-ordered and index-served there too.
    """

    lookup_name = "in_area"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prefix = area.clean(self.rhs)
        if not prefix:
            return "1=1", []
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, prefix, area.upper_bound(prefix)]


def area_q(codes, field: str = "area_code") -> Q:
    """A Q matching records inside any of ``codes`` (an empty code means the whole country)."""
    query = Q(pk__in=[])
    for code in codes:
        if code == "":
            return Q()
        query |= Q(**{f"{field}__in_area": code})
    return query


class AreaQuerySet(models.QuerySet):
    """Base for every located model. Subclasses may set ``area_field`` when the code lives
    on a related row (``"village__area_code"``)."""

    area_field = "area_code"

    def in_area(self, code: str):
        return self.filter(**{f"{self.area_field}__in_area": code})

    def visible_to(self, user):
        """Rows the user may see: the union of the areas the user model says they see
        (``user.area_codes()`` on ``settings.AUTH_USER_MODEL``: None for everything);
        anonymous visitors see none."""
        if user is None or not user.is_authenticated:
            return self.none()
        codes = user.area_codes()
        if codes is None:
            return self
        return self.filter(area_q(codes, self.area_field))


class TimeStamped(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class RateCounter(models.Model):
    """One fixed-window counter of a rate limit, shared by every worker (see core.limits).

    The key is a keyed hash of the limit's scope, subject (an account, a client address) and
    window, so the table holds no address or login in clear."""

    key = models.CharField(_("key"), max_length=64, primary_key=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    expires = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.count}"


class PeriodicJob(models.Model):
    """When a periodic job of ``settings.PERIODIC_JOBS`` is next due (see ``core.jobs``).

    A worker claims an interval's run by moving ``due_at`` on to the next interval in one
    conditional UPDATE, so however many workers race, one of them wins each interval."""

    name = models.CharField(_("job"), max_length=100, primary_key=True)
    due_at = models.DateTimeField(_("next due"))
    claimed_at = models.DateTimeField(_("last claimed"), null=True, blank=True)
    finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("runs finished"), default=0)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return self.name
