from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from pracharat.accounts.api_auth import token_or_session
from pracharat.accounts.models import Agency
from pracharat.core.api_schemas import with_errors

#: A DOPA area code: province, district, sub-district or village.
AREA_PATTERN = r"^(?:[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{8})$"

router = Router(tags=["accounts"], auth=token_or_session)


class MembershipOut(Schema):
    role: str
    agency: str | None
    area_code: str


class MeOut(Schema):
    id: int
    full_name: str
    email: str | None
    phone: str | None
    memberships: list[MembershipOut]


class AgencyOut(Schema):
    slug: str
    name_th: str
    name_en: str
    kind: str
    area_code: str
    email: str
    phone: str


@router.get(
    "/me", response=with_errors(MeOut, 401), summary="The authenticated user and their roles"
)
def me(request):
    user = request.auth
    memberships = [
        {"role": m.role, "agency": m.agency.slug if m.agency else None, "area_code": m.area_code}
        for m in user.memberships.select_related("agency")
    ]
    return {
        "id": user.pk,
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "memberships": memberships,
    }


@router.get(
    "/agencies",
    response=with_errors(list[AgencyOut], 401),
    summary="Agencies in the caller's areas",
)
def agencies(
    request,
    area: str = Query("", pattern=r"^$|" + AREA_PATTERN, description="DOPA area code prefix"),
):
    rows = Agency.objects.visible_to(request.auth)
    if area:
        rows = rows.in_area(area)
    return rows


@router.get("/agencies/{slug}", response=with_errors(AgencyOut, 401, 404), summary="One agency")
def agency(request, slug: str):
    return get_object_or_404(Agency.objects.visible_to(request.auth), slug=slug)
