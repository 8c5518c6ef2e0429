"""Geography's part of ``pracharat demo`` (the first, registered with
``core.registry.demo_loader``): the national geography if it is not loaded yet, and the
village of the 2020 inspection story, Ban Khlong Mem (หมู่ 9 ต.ท่าช้าง อ.พรหมพิราม
จ.พิษณุโลก), which the DOPA sub-district list does not name. Idempotent."""

from __future__ import annotations

from django.db import transaction

from pracharat.geo.actions import load_geography
from pracharat.geo.models import Province, SubDistrict, Village

BAN_KHLONG_MEM = "65060209"


@transaction.atomic
def load(stdout=None) -> None:
    if not Province.objects.exists():
        counts = load_geography()
        if stdout:
            stdout.write(f"demo: geography loaded ({counts.subdistricts} sub-districts)")
    Village.objects.update_or_create(
        code=BAN_KHLONG_MEM,
        defaults={
            "subdistrict": SubDistrict.objects.get(code=BAN_KHLONG_MEM[:6]),
            "moo": 9,
            "name_th": "บ้านคลองเมม",
            "name_en": "Ban Khlong Mem",
            "latitude": 16.9794,
            "longitude": 100.1702,
        },
    )
    if stdout:
        stdout.write(f"demo: village {BAN_KHLONG_MEM}")
