"""Named reads over geography used by pages, the API and the address autocomplete."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, When

from pracharat.geo.models import SubDistrict

_LEVELS = ("", "district__", "district__province__")


def _name_matches(part: str) -> Q:
    query = Q()
    for level in _LEVELS:
        query |= Q(**{f"{level}name_th__contains": part}) | Q(
            **{f"{level}name_en__icontains": part}
        )
    return query


def address_candidates(text: str, limit: int = 20):
    """Sub-districts for an address field: by postcode (or its first digits), or by name
    fragments in Thai or English of the sub-district, district or province, every fragment
    required ("ท่าช้าง พิษณุโลก"). District and province come joined, in one query."""
    text = " ".join((text or "").split())
    rows = SubDistrict.objects.select_related("district__province")
    if not text:
        return rows.none()
    if text.isdigit():
        return rows.filter(postcode__startswith=text).order_by("postcode", "code")[:limit]
    for part in text.split(" "):
        rows = rows.filter(_name_matches(part))
    first = text.split(" ")[0]
    rank = Case(
        When(Q(name_th__startswith=first) | Q(name_en__istartswith=first), then=0),
        default=1,
        output_field=IntegerField(),
    )
    return rows.annotate(rank=rank).order_by("rank", "code")[:limit]
