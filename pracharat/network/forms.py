from __future__ import annotations

import io
from pathlib import Path

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from pracharat.core.validators import visible_line, visible_text
from pracharat.network.actions import ReportInput
from pracharat.network.models import FaultProblem, PointStatus

MAX_PHOTO_BYTES = 3 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_MAX_SIDE = 1600


def clean_image(upload) -> SimpleUploadedFile:
    """The photo re-encoded as JPEG without its metadata: phones write the GPS position and
    the device into EXIF (personal data under PDPA), and re-encoding also drops anything
    appended to the image. Large photos are scaled down to 1600 px on the long side."""
    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True)
    name = Path(upload.name or "photo").stem[:40] or "photo"
    return SimpleUploadedFile(f"{name}.jpg", buffer.getvalue(), content_type="image/jpeg")


class FaultReportForm(forms.Form):
    """The public 'report a problem' form on a point's page: no login, optional photo."""

    problem = forms.ChoiceField(label=_("What is wrong?"), choices=FaultProblem.choices)
    description = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[visible_text],
    )
    contact = forms.CharField(
        label=_("Contact (optional)"),
        required=False,
        max_length=100,
        validators=[visible_line],
        help_text=_("A phone number or LINE ID if you want to be called back."),
    )
    photo = forms.ImageField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 3 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        if photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("The photo is larger than 3 MB."))
        # ImageField has already opened it with Pillow; refuse formats browsers cannot show.
        image = getattr(photo, "image", None)
        if image is None or (image.format or "").upper() not in PHOTO_FORMATS:
            raise forms.ValidationError(_("Upload a JPEG, PNG or WebP photo."))
        try:
            return clean_image(photo)
        except (OSError, ValueError) as exc:  # truncated or undecodable pixel data
            raise forms.ValidationError(_("Upload a JPEG, PNG or WebP photo.")) from exc

    def to_input(self) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(
            problem=data["problem"],
            description=data.get("description", ""),
            contact=data.get("contact", ""),
            photo=data.get("photo"),
        )


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PointSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a service point"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("Point code or village name"), "type": "search"}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *PointStatus.choices],
    )
