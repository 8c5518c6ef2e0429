from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pracharat.core.forms import PictureField
from pracharat.core.validators import visible_line, visible_text
from pracharat.network.actions import ReportInput
from pracharat.network.models import FaultProblem, PointStatus

MAX_PHOTO_BYTES = 3 * 1024 * 1024
PHOTO_MAX_SIDE = 1600


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
    # Checked (bytes, format, pixels from the header) and only then decoded by the guarded
    # loader; the page validates this form only after the rate limit has let the client in.
    photo = PictureField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 3 MB."),
        max_side=PHOTO_MAX_SIDE,
        max_bytes=MAX_PHOTO_BYTES,
        quality=85,
    )

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


class TrackForm(forms.Form):
    """Follow a report: the reference given when it was sent (ABCD-EFGH)."""

    reference = forms.CharField(
        label=_("Report reference"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "placeholder": "ABCD-EFGH",
                "autocapitalize": "characters",
                "autocomplete": "off",
            }
        ),
    )

    def clean_reference(self):
        from pracharat.network.models import normal_reference

        value = normal_reference(self.cleaned_data["reference"])
        if not value:
            raise forms.ValidationError(_("A reference has 8 letters and digits, like ABCD-EFGH."))
        return value


class LawfulSearchForm(forms.Form):
    """A lawful request's search (``network.lawful.search``): times are Thailand's."""

    reference = forms.CharField(
        label=_("Request reference"),
        max_length=200,
        help_text=_("The letter, warrant or case number the request came with."),
        validators=[visible_line],
    )
    kind = forms.ChoiceField(
        label=_("Search by"),
        choices=[("user_name", _("User-Name")), ("mac", _("MAC address of the device"))],
    )
    value = forms.CharField(label=_("User-Name or MAC address"), max_length=253)
    start = forms.DateTimeField(
        label=_("From"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    end = forms.DateTimeField(
        label=_("Until"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
