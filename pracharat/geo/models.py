"""Thailand's administrative geography, keyed by official DOPA codes.

Every level's primary key is its own area code, so an area's contents are a prefix match:
``SubDistrict.objects.in_area("65")`` is every sub-district of Phitsanulok.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pracharat.core import i18n
from pracharat.core.collation import thai
from pracharat.core.i18n import BilingualName
from pracharat.core.models import AreaCodeField, AreaQuerySet

BANGKOK = "10"


class GeoQuerySet(AreaQuerySet):
    area_field = "code"

    def visible_to(self, user):
        """Geography is public knowledge: everyone sees all of it."""
        return self

    def search_name(self, fragment: str):
        return self.filter(
            models.Q(name_th__contains=fragment) | models.Q(name_en__icontains=fragment)
        )


class Named(BilingualName, models.Model):
    name_th = models.CharField(_("name (Thai)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Region(Named):
    """ภาค: the six regions of the dataset (north, central, northeast, west, east, south)."""

    id = models.PositiveSmallIntegerField(primary_key=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["id"]


class Province(Named):
    code = AreaCodeField(_("province code"), primary_key=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="provinces", verbose_name=_("region")
    )

    objects = GeoQuerySet.as_manager()

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = [thai("name_th")]

    @property
    def area_code(self) -> str:
        return self.code


class District(Named):
    """อำเภอ / เขต. ``is_amphoe`` is false for the dataset's two municipal rows (7074, 9077)."""

    code = AreaCodeField(_("district code"), primary_key=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts", verbose_name=_("province")
    )
    is_amphoe = models.BooleanField(_("official district"), default=True)

    objects = GeoQuerySet.as_manager()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]

    @property
    def area_code(self) -> str:
        return self.code


class SubDistrict(Named):
    """ตำบล / แขวง, with its postcode and (for most rows) a centre point."""

    code = AreaCodeField(_("sub-district code"), primary_key=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="subdistricts", verbose_name=_("district")
    )
    postcode = models.CharField(_("postcode"), max_length=5, db_index=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    objects = GeoQuerySet.as_manager()

    class Meta:
        verbose_name = _("sub-district")
        verbose_name_plural = _("sub-districts")
        ordering = ["code"]

    @property
    def area_code(self) -> str:
        return self.code

    def address_th(self) -> str:
        """Postal form: ``ต.ท่าช้าง อ.พรหมพิราม จ.พิษณุโลก 65150``; Bangkok uses แขวง/เขต."""
        district, province = self.district, self.district.province
        if province.code == BANGKOK:
            return f"แขวง{self.name_th} {district.name_th} {province.name_th} {self.postcode}"
        return f"ต.{self.name_th} อ.{district.name_th} จ.{province.name_th} {self.postcode}"

    def address_en(self) -> str:
        district, province = self.district, self.district.province
        return f"{self.name_en}, {district.name_en}, {province.name_en} {self.postcode}"

    @property
    def address(self) -> str:
        """The postal form in the reader's language (Thai where an English name is missing)."""
        if i18n.is_thai() or not (self.name_en and self.district.name_en):
            return self.address_th()
        return self.address_en()


class Village(Named):
    """หมู่บ้าน: code = sub-district code + two-digit village number (หมู่ที่)."""

    code = AreaCodeField(_("village code"), primary_key=True)
    subdistrict = models.ForeignKey(
        SubDistrict,
        on_delete=models.PROTECT,
        related_name="villages",
        verbose_name=_("sub-district"),
    )
    moo = models.PositiveSmallIntegerField(_("village number (moo)"))
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    objects = GeoQuerySet.as_manager()

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["code"]

    @property
    def area_code(self) -> str:
        return self.code
