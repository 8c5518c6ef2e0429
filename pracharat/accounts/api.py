from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from pracharat.accounts.api_auth import token_or_session
from pracharat.accounts.models import Agency

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


@router.get("/me", response=MeOut, summary="The authenticated user and their roles")
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


@router.get("/agencies", response=list[AgencyOut], summary="Agencies in the caller's areas")
def agencies(request, area: str = ""):
    rows = Agency.objects.visible_to(request.auth)
    if area:
        rows = rows.in_area(area)
    return rows


@router.get("/agencies/{slug}", response=AgencyOut, summary="One agency")
def agency(request, slug: str):
    return get_object_or_404(Agency.objects.visible_to(request.auth), slug=slug)
