"""Forms of the market's pages. Bounds and formats match the API's schemas (``api.py``):
prices are exact decimals in baht, phone numbers are Thai, tracking numbers are UPU S10."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pracharat.core import tables
from pracharat.core.forms import PictureField
from pracharat.core.lib.phone import PhoneError, normalise_phone
from pracharat.core.validators import visible_line, visible_text
from pracharat.geo.models import SubDistrict
from pracharat.market.lib import s10
from pracharat.market.models import Category, PayBy, ProducerGroup, Product, ShippingService

MAX_PRICE = Decimal("99999999.99")
MAX_QUANTITY = 99


class CatalogueForm(forms.Form):
    """The catalogue's search box and filters (GET). Invalid filters are dropped, not fatal:
    a shared link with a stray parameter still shows products."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("Category"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    area = forms.RegexField(
        regex=r"^\d{2}(\d{2}){0,3}$", required=False, widget=forms.HiddenInput
    )  # a district, sub-district or village code, from the area pages' market panel
    min_price = forms.DecimalField(
        label=_("Lowest price"),
        required=False,
        min_value=0,
        max_value=MAX_PRICE,
        decimal_places=2,
    )
    max_price = forms.DecimalField(
        label=_("Highest price"),
        required=False,
        min_value=0,
        max_value=MAX_PRICE,
        decimal_places=2,
    )

    def __init__(self, *args, categories=(), provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories"))] + [
            (c.slug, c.name) for c in categories
        ]
        self.fields["province"].choices = [("", _("All provinces"))] + [
            (p.code, p.name) for p in provinces
        ]

    def filters(self) -> dict:
        """Keyword arguments for ``search.search_products`` from the valid fields."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": (data.get("q") or "").strip(),
            "category": data.get("category") or None,
            "area": data.get("province") or data.get("area") or None,
            "min_price": data.get("min_price"),
            "max_price": data.get("max_price"),
        }


class AddToCartForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("Quantity"),
        initial=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)],
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_QUANTITY, "inputmode": "numeric"}),
    )


class CartLineForm(forms.Form):
    """Change one line of the cart: a quantity of 0 removes it."""

    product = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    quantity = forms.IntegerField(
        label=_("Quantity"),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_QUANTITY)],
    )


def clean_thai_phone(value: str) -> str:
    try:
        return normalise_phone(value)
    except PhoneError:
        raise forms.ValidationError(
            _("Enter a Thai phone number, e.g. 081 234 5678."), code="phone"
        ) from None


class CheckoutForm(forms.Form):
    """Buyer and address. The sub-district is picked from the address search (postcode or
    place name); the postcode comes with it. Shipping is chosen per group: one field per
    group in the cart, named ``shipping_<group id>``."""

    buyer_name = forms.CharField(label=_("Full name"), max_length=150, validators=[visible_line])
    buyer_phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    buyer_email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("We send the order and its tracking number here."),
    )
    address_line1 = forms.CharField(
        label=_("House number, street"),
        max_length=200,
        validators=[visible_line],
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    address_line2 = forms.CharField(
        label=_("Building, moo, soi (optional)"),
        max_length=200,
        validators=[visible_line],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    address_search = forms.CharField(
        label=_("Postcode or sub-district"),
        max_length=100,
        required=False,
        help_text=_("Type the postcode (e.g. 65150) or a place name, then choose below."),
    )
    subdistrict = forms.CharField(label=_("Sub-district"), max_length=6)
    note = forms.CharField(
        label=_("Note to the seller (optional)"),
        required=False,
        max_length=500,
        validators=[visible_text],
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, parcels=(), **kwargs):
        """``parcels``: the cart's groups (``cart.CartGroup``), each offering the services
        that can carry its weight, with the fee in the label."""
        super().__init__(*args, **kwargs)
        self.parcels = list(parcels)
        for parcel in self.parcels:
            options = parcel.shipping_options()
            parcel.options = options
            services = [service for service, _label, _fee in options]
            self.fields[f"shipping_{parcel.group.pk}"] = forms.ChoiceField(
                label=_("Shipping from %(group)s") % {"group": parcel.group.name},
                choices=[(service, f"{label} · ฿{fee:,.2f}") for service, label, fee in options],
                initial=(
                    ShippingService.REGISTERED
                    if ShippingService.REGISTERED in services
                    else (services[0] if services else None)
                ),
                widget=forms.RadioSelect,
            )
            parcel.field_name = f"shipping_{parcel.group.pk}"
            parcel.cod_offered = all(line.product.cod_offered for line in parcel.lines)
            parcel.pay_field_name = ""
            if parcel.cod_offered:
                fee = parcel.group.cod_fee
                self.fields[f"pay_{parcel.group.pk}"] = forms.ChoiceField(
                    label=_("Payment to %(group)s") % {"group": parcel.group.name},
                    choices=[
                        (PayBy.PROMPTPAY, _("PromptPay transfer now (QR on the next page)")),
                        (
                            PayBy.COD,
                            _("Cash to the postman on delivery · fee ฿%(fee)s")
                            % {"fee": f"{fee:,.2f}"},
                        ),
                    ],
                    initial=PayBy.PROMPTPAY,
                    widget=forms.RadioSelect,
                )
                parcel.pay_field_name = f"pay_{parcel.group.pk}"

    def clean_buyer_phone(self):
        return clean_thai_phone(self.cleaned_data["buyer_phone"])

    def clean_subdistrict(self):
        code = self.cleaned_data["subdistrict"].strip()
        sub = (
            SubDistrict.objects.select_related("district__province").filter(code=code).first()
            if code.isdigit()
            else None
        )
        if sub is None:
            raise forms.ValidationError(
                _("Choose your sub-district from the list."), code="subdistrict"
            )
        return sub

    def shipping_choices(self) -> dict[int, str]:
        """``{group id: service}`` as chosen per parcel."""
        return {p.group.pk: self.cleaned_data[p.field_name] for p in self.parcels}

    def payment_choices(self) -> dict[int, str]:
        """``{group id: PayBy}``: cash on delivery where chosen, PromptPay elsewhere."""
        return {
            p.group.pk: self.cleaned_data.get(p.pay_field_name) or PayBy.PROMPTPAY
            for p in self.parcels
            if p.pay_field_name
        }

    RECEIVER_FIELDS = ("buyer_name", "buyer_phone", "buyer_email", "address_line1", "address_line2")

    def receiver_fields(self):
        return [self[name] for name in self.RECEIVER_FIELDS]

    def bound_parcels(self):
        """``(parcel, bound shipping field)`` pairs for the template."""
        return [
            (p, self[p.field_name], self[p.pay_field_name] if p.pay_field_name else None)
            for p in self.parcels
        ]


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Stars"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("A few words for other buyers (optional)"),
        required=False,
        max_length=500,
        validators=[visible_text],
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )


class RatingAnswerForm(forms.Form):
    reply = forms.CharField(
        label=_("The group's answer"),
        max_length=500,
        validators=[visible_text],
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )


class LookupForm(forms.Form):
    number = forms.CharField(
        label=_("Order number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"placeholder": "PR-XXXXXXXX", "autocapitalize": "characters"}
        ),
    )
    phone = forms.CharField(
        label=_("Phone used for the order"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )

    def clean_number(self):
        number = "".join(self.cleaned_data["number"].split()).upper()
        if not number.startswith("PR-"):
            number = "PR-" + number.removeprefix("PR")
        return number


#: Slips are screenshots or photos of a phone screen: small files, read by a person.
SLIP_MAX_BYTES = 5 * 1024 * 1024
SLIP_MAX_SIDE = 2000
#: Product photos come straight from phone cameras (4-12 MB, 12+ megapixels).
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_SIDE = 1280
THUMB_MAX_SIDE = 360


class SlipForm(forms.Form):
    slip = PictureField(
        label=_("Transfer slip (photo or screenshot)"),
        help_text=_("JPEG or PNG, at most 5 MB."),
        max_side=SLIP_MAX_SIDE,
        max_bytes=SLIP_MAX_BYTES,
    )


class ShipForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Thailand Post tracking number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"placeholder": "EE123456785TH", "autocapitalize": "characters"}
        ),
    )

    def clean_tracking_number(self):
        try:
            return s10.validate(self.cleaned_data["tracking_number"])
        except s10.S10Error as exc:
            raise forms.ValidationError(
                _(
                    "This is not a valid Thailand Post tracking number "
                    "(13 characters like EE123456785TH, with a correct check digit): %(detail)s"
                ),
                code="s10",
                params={"detail": exc.translated(gettext)},
            ) from None


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the buyer)"), max_length=500, required=False)


class ProductForm(forms.ModelForm):
    photo = PictureField(
        label=_("Add a photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 10 MB; it is resized to a light thumbnail."),
        max_side=PHOTO_MAX_SIDE,
        max_bytes=PHOTO_MAX_BYTES,
        thumb_side=THUMB_MAX_SIDE,
    )

    class Meta:
        model = Product
        fields = [
            "group",
            "sku",
            "category",
            "title_th",
            "title_en",
            "description_th",
            "description_en",
            "price",
            "unit",
            "weight_grams",
            "stock",
            "active",
            "cod",
        ]
        widgets = {
            "description_th": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        if groups is not None:
            self.fields["group"].queryset = groups
            self.fields["group"].empty_label = None
        self.fields["category"].queryset = Category.objects.all()
        self.fields["category"].empty_label = None
        for name in ("title_th", "title_en", "unit"):
            self.fields[name].validators.append(visible_line)
        for name in ("description_th", "description_en"):
            self.fields[name].validators.append(visible_text)


#: The seller's bounds on the group's order settings (the model allows the same hours).
MIN_PAYMENT_HOURS = 1
MAX_PAYMENT_HOURS = 24 * 14
MAX_COD_FEE = Decimal("1000.00")
#: A LINE ID as LINE accepts it (4-20 letters, digits, dot, dash, underscore), "@" first for
#: an official account.
LINE_ID_RE = r"^@?[A-Za-z0-9._-]{4,20}$"


class GroupSettingsForm(forms.ModelForm):
    """The group's order settings its members keep: hours to pay, cash on delivery, the COD
    fee, the public LINE ID and the PromptPay ID. The PromptPay ID (where buyers' money goes)
    stays read-only unless ``may_change_promptpay`` (owners and managers, as
    ``actions.save_group_settings`` checks again)."""

    payment_hours = forms.IntegerField(
        label=_("hours to pay"),
        min_value=MIN_PAYMENT_HOURS,
        max_value=MAX_PAYMENT_HOURS,
        error_messages={
            "min_value": _("Hours to pay must be from 1 to 336 (14 days)."),
            "max_value": _("Hours to pay must be from 1 to 336 (14 days)."),
            "invalid": _("Hours to pay must be a whole number from 1 to 336."),
            "required": _("Enter the hours to pay, from 1 to 336."),
        },
        help_text=_(
            "An unpaid order holds its stock this long; then it expires and the stock is "
            "back on sale."
        ),
    )
    cod_fee = forms.DecimalField(
        label=_("cash on delivery fee (baht)"),
        min_value=Decimal("0"),
        max_value=MAX_COD_FEE,
        max_digits=8,
        decimal_places=2,
        error_messages={
            "min_value": _("The cash on delivery fee must be from 0 to 1,000 baht."),
            "max_value": _("The cash on delivery fee must be from 0 to 1,000 baht."),
            "invalid": _("Enter the cash on delivery fee in baht, e.g. 30 or 30.50."),
            "max_decimal_places": _("The cash on delivery fee has at most 2 decimals (satang)."),
            "max_digits": _("The cash on delivery fee must be from 0 to 1,000 baht."),
            "max_whole_digits": _("The cash on delivery fee must be from 0 to 1,000 baht."),
            "required": _("Enter the cash on delivery fee in baht (0 for none)."),
        },
        help_text=_("Added to an order paid on delivery (Thailand Post's COD charge)."),
    )
    line_id = forms.RegexField(
        label=_("LINE ID"),
        regex=LINE_ID_RE,
        required=False,
        strip=True,
        error_messages={
            "invalid": _(
                "A LINE ID has 4-20 letters, digits, dots, dashes or underscores, "
                "with @ first for an official account (e.g. @khlongmemchili)."
            )
        },
        help_text=_("Buyers see it as a link that opens a chat with the group."),
    )

    class Meta:
        model = ProducerGroup
        fields = ["payment_hours", "cod_all_products", "cod_fee", "line_id", "promptpay_id"]

    def __init__(self, *args, may_change_promptpay: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["promptpay_id"]
        if not may_change_promptpay:
            # A disabled field keeps the saved value whatever is posted.
            field.disabled = True
            field.help_text = gettext(
                "Only the group's owners and managers may change the PromptPay ID."
            )


#: At most this many names in one search-terms box, each at most ``MAX_TERM_LENGTH`` long.
MAX_TERMS = 20
MAX_TERM_LENGTH = 60


def _term_list(value: str) -> list[str]:
    return [name.strip() for name in value.replace("\n", ",").split(",") if name.strip()]


class SearchTermsForm(forms.Form):
    """One synonym / broader-term entry: names of one thing, and the kinds it finds."""

    names = forms.CharField(
        label=_("Names of the same thing"),
        max_length=MAX_TERMS * (MAX_TERM_LENGTH + 2),
        help_text=_("Thai and English, separated by commas, e.g. หมอน, pillow, cushion."),
        error_messages={"required": _("Enter at least two names of the same thing.")},
    )
    kinds = forms.CharField(
        label=_("Kinds it also finds"),
        max_length=MAX_TERMS * (MAX_TERM_LENGTH + 2),
        required=False,
        help_text=_("Narrower names, separated by commas, e.g. หมอนขิด, หมอนอิง."),
    )

    def __init__(self, *args, groups=None, group_required: bool = False, **kwargs):
        """``groups``: the producer groups the person may add entries for (a ``group``
        choice appears); ``group_required`` for a member who is no officer."""
        super().__init__(*args, **kwargs)
        if groups is not None:
            self.fields["group"] = forms.ModelChoiceField(
                queryset=groups,
                label=_("For the group"),
                required=group_required,
                empty_label=None if group_required else _("(the province, not one group)"),
                help_text=_("The group's members may change the entry later."),
            )

    def _clean_list(self, name: str) -> str:
        terms = _term_list(self.cleaned_data.get(name, ""))
        if len(terms) > MAX_TERMS:
            raise forms.ValidationError(
                gettext("At most %(n)d names in one box.") % {"n": MAX_TERMS}
            )
        for term in terms:
            visible_line(term)
            if len(term) > MAX_TERM_LENGTH:
                raise forms.ValidationError(
                    gettext("“%(term)s” is longer than %(n)d characters.")
                    % {"term": term[:20] + "…", "n": MAX_TERM_LENGTH}
                )
        return ", ".join(terms)

    def clean_names(self) -> str:
        return self._clean_list("names")

    def clean_kinds(self) -> str:
        return self._clean_list("kinds")

    def clean(self):
        data = super().clean()
        names, kinds = _term_list(data.get("names", "")), _term_list(data.get("kinds", ""))
        if "names" in data and len(names) < 2 and not kinds:
            self.add_error(
                "names",
                gettext(
                    "Give at least two names of the same thing, or a name and the kinds it finds."
                ),
            )
        return data


class ImportForm(tables.UploadForm):
    """The seller's product upload: into one of the groups they sell for."""

    group = forms.ModelChoiceField(label=_("Group"), queryset=None, empty_label=None)
    field_order = ["group", "file"]

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
