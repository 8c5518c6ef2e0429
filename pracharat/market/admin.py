"""Admin for the market. Saves and deletes of products go through ``actions`` so the search
index stays right; order status is read-only here (change it through the seller's pages,
which keep the history and send the e-mails)."""

from django import forms
from django.contrib import admin, messages
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pracharat.core.admin import ThaiDatesAdmin
from pracharat.core.forms import PictureField
from pracharat.core.lib.images import Picture
from pracharat.market import actions, search
from pracharat.market.models import (
    Category,
    GroupMember,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    ProducerGroup,
    Product,
    ProductPhoto,
    Rating,
    SearchSynonym,
    ShippingRate,
    TrackingEvent,
)


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    raw_id_fields = ["user"]


LOGO_MAX_BYTES = 5 * 1024 * 1024
LOGO_MAX_SIDE = 512


class ProducerGroupForm(forms.ModelForm):
    """The logo goes through the guarded loader like every other upload (the model's
    ImageField would give the admin forms.ImageField, which opens and verify()s the upload
    before any check of ours)."""

    logo = PictureField(
        label=_("logo"), required=False, max_side=LOGO_MAX_SIDE, max_bytes=LOGO_MAX_BYTES
    )

    # No Meta: the admin builds the form for ProducerGroup with every field; this one
    # replaces the model's logo field.

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, Picture):
            return ContentFile(logo.jpeg, name="logo.jpg")
        return logo


@admin.register(ProducerGroup)
class ProducerGroupAdmin(ThaiDatesAdmin):
    form = ProducerGroupForm
    list_display = ["name_th", "code", "kind", "area_code", "promptpay_type", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name_th", "name_en", "code", "area_code", "registration_number"]
    raw_id_fields = ["village"]
    readonly_fields = ["area_code", "promptpay_type"]
    inlines = [GroupMemberInline]

    def save_model(self, request, obj, form, change):
        actions.save_group(obj)


@admin.register(Category)
class CategoryAdmin(ThaiDatesAdmin):
    list_display = ["name_th", "name_en", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name_en"]}


class ProductPhotoInline(admin.TabularInline):
    model = ProductPhoto
    extra = 0
    fields = ["image", "thumbnail", "alt", "position"]
    readonly_fields = ["image", "thumbnail"]


@admin.register(Product)
class ProductAdmin(ThaiDatesAdmin):
    list_display = ["title_th", "group", "category", "price", "stock", "active"]
    list_filter = ["active", "category"]
    search_fields = ["title_th", "title_en", "sku", "group__name_th"]
    list_select_related = ["group", "category"]
    raw_id_fields = ["group"]
    inlines = [ProductPhotoInline]

    def save_model(self, request, obj, form, change):
        actions.save_product(obj)

    def delete_model(self, request, obj):
        actions.delete_product(obj)

    def delete_queryset(self, request, queryset):
        for product in queryset:
            actions.delete_product(product)


@admin.register(ShippingRate)
class ShippingRateAdmin(ThaiDatesAdmin):
    list_display = ["service", "max_weight_grams", "price"]
    list_editable = ["price"]
    list_filter = ["service"]
    ordering = ["service", "max_weight_grams"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = ["product", "title", "unit", "unit_price", "quantity", "weight_grams"]

    def has_add_permission(self, request, obj=None):
        return False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created", "from_status", "to_status", "actor", "note"]

    def has_add_permission(self, request, obj=None):
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    exclude = ["slip"]  # private: a link to the view that checks who asks
    readonly_fields = [
        "method",
        "amount",
        "provider_reference",
        "slip_link",
        "created",
        "confirmed_by",
        "confirmed_at",
        "rejected_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("transfer slip"))
    def slip_link(self, obj):
        if not obj.slip:
            return "-"
        url = reverse("market:slip_file", args=[obj.order.number, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("See the slip"))


@admin.register(Order)
class OrderAdmin(ThaiDatesAdmin):
    list_display = ["number", "group", "buyer_name", "status", "total", "created"]
    list_filter = ["status", "pay_by", "shipping_service"]
    search_fields = ["number", "buyer_name", "buyer_phone", "tracking_number"]
    list_select_related = ["group"]
    date_hierarchy = "created"
    raw_id_fields = ["group", "buyer", "subdistrict"]
    readonly_fields = [
        "number",
        "status",
        "area_code",
        "subtotal",
        "shipping_fee",
        "cod_fee",
        "total",
        "pay_by",
        "payment_deadline",
        "weight_grams",
        "promptpay_id",
        "promptpay_payload",
        "paid_at",
        "shipped_at",
        "delivered_at",
        "cancelled_at",
        "expired_at",
    ]
    inlines = [OrderLineInline, PaymentInline, OrderEventInline]
    actions = ["erase_buyers"]

    def has_add_permission(self, request):
        return False  # orders are made by checkout

    @admin.action(
        description=_("Erase the buyers of the selected orders (all their personal data)"),
        permissions=["change"],
    )
    def erase_buyers(self, request, queryset):
        """Each buyer as a person (``core.personal_data.erase_person``): every order placed
        with their phone or e-mail, their fault reports and their account."""
        from pracharat.core.personal_data import erase_person

        buyers = set(queryset.exclude(buyer_phone="").values_list("buyer_phone", "buyer_email"))
        for phone, email in sorted(buyers):
            erase_person(phone=phone, email=email, actor=request.user)
        messages.success(
            request,
            ngettext(
                "The personal data of %(count)d buyer was erased.",
                "The personal data of %(count)d buyers was erased.",
                len(buyers),
            )
            % {"count": len(buyers)},
        )


@admin.register(Rating)
class RatingAdmin(ThaiDatesAdmin):
    list_display = ["order", "group", "stars", "created", "replied_at"]
    list_filter = ["stars"]
    search_fields = ["order__number", "comment", "reply"]
    raw_id_fields = ["order", "group"]
    readonly_fields = ["created"]


@admin.register(TrackingEvent)
class TrackingEventAdmin(ThaiDatesAdmin):
    list_display = ["barcode", "status", "description", "location", "occurred_at", "source"]
    list_filter = ["status", "source"]
    search_fields = ["barcode"]
    raw_id_fields = ["order"]


@admin.register(SearchSynonym)
class SearchSynonymAdmin(ThaiDatesAdmin):
    """Officers keep the search's synonym and broader-term lists; every worker reads a
    change at once (``search.synonyms_changed``)."""

    list_display = ["names", "kinds", "area_code", "updated"]
    search_fields = ["names", "kinds"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        search.synonyms_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        search.synonyms_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        search.synonyms_changed()
