from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pracharat.core.forms import PictureField
from pracharat.core.lib.phone import PhoneError, normalise_phone
from pracharat.core.validators import visible_line, visible_text
from pracharat.geo.models import Village
from pracharat.learning.models import Cohort
from pracharat.network.models import Incident, ServicePoint
from pracharat.volunteers.actions import ActivityInput, VolunteerInput
from pracharat.volunteers.models import ActivityKind, Skill, Volunteer, VolunteerActivity

MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 1600
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _PointChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.place_name} ({obj.code})"


class _IncidentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"#{obj.pk} {obj.service_point.code} · {obj.get_status_display()}"


class _CohortChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.course.title} · {obj.number}"


class ActivityForm(forms.Form):
    """One short form a volunteer fills in on the phone: what, where, when, how many."""

    kind = forms.ChoiceField(
        label=_("What did you do?"), choices=ActivityKind.choices, widget=forms.RadioSelect
    )
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT, initial=timezone.localdate)
    village = forms.ModelChoiceField(label=_("Village"), queryset=Village.objects.none())
    service_point = _PointChoice(
        label=_("Service point"), queryset=ServicePoint.objects.none(), required=False
    )
    people_helped = forms.IntegerField(label=_("People helped"), min_value=0, initial=0)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[visible_text],
    )
    photo = PictureField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 5 MB. Seen only by you and the area's officers."),
        max_side=PHOTO_MAX_SIDE,
        max_bytes=MAX_PHOTO_BYTES,
        quality=85,
    )
    cohort = _CohortChoice(
        label=_("Class (for a class taught)"), queryset=Cohort.objects.none(), required=False
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)
    incident = _IncidentChoice(
        label=_("Incident (for a reported fault)"), queryset=Incident.objects.none(), required=False
    )

    def __init__(self, *args, volunteer: Volunteer, activity: VolunteerActivity | None = None,
                 **kwargs):  # fmt: skip
        if activity is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": activity.kind,
                "date": activity.date,
                "village": activity.village_id,
                "service_point": activity.service_point_id,
                "people_helped": activity.people_helped,
                "note": activity.note,
                "incident": activity.incident_id,
                "cohort": activity.cohort_id,
            }
        super().__init__(*args, **kwargs)
        codes = [p.village_id for p in volunteer.postings.all()]
        villages = Village.objects.filter(code__in=codes).order_by("code")
        self.fields["village"].queryset = villages
        if len(codes) == 1:
            self.fields["village"].initial = codes[0]
        self.fields["service_point"].queryset = (
            ServicePoint.objects.in_service().filter(village_id__in=codes).order_by("code")
        )
        self.fields["incident"].queryset = (
            Incident.objects.filter(area_code__in=codes)
            .select_related("service_point")
            .order_by("-opened_at")
        )
        self.fields["cohort"].queryset = (
            Cohort.objects.filter(Q(area_code__in=codes) | Q(trainer_id=volunteer.user_id))
            .exclude(status="cancelled")
            .select_related("course")
            .order_by("-pk")
        )
        if activity is None or not activity.photo:
            del self.fields["remove_photo"]

    def to_input(self) -> ActivityInput:
        data = self.cleaned_data
        return ActivityInput(
            kind=data["kind"],
            village=data["village"],
            date=data["date"],
            people_helped=data["people_helped"],
            note=data.get("note", ""),
            service_point=data.get("service_point"),
            incident=data.get("incident"),
            cohort=data.get("cohort"),
            photo=data.get("photo"),
            remove_photo=data.get("remove_photo", False),
        )


_CODES = re.compile(r"\d{8}")


class VolunteerForm(forms.Form):
    """The registry entry an officer keeps: villages (codes), since, skills, the public name."""

    villages = forms.CharField(
        label=_("Village codes"),
        max_length=400,
        help_text=_("DOPA village codes (8 digits), separated by spaces, e.g. 65060209."),
    )
    since = forms.DateField(label=_("Volunteer since"), widget=DATE_INPUT)
    skills = forms.MultipleChoiceField(
        label=_("Skills"), choices=Skill.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    other_skills = forms.CharField(
        label=_("Other skills"), max_length=200, required=False, validators=[visible_line]
    )
    display_name = forms.CharField(
        label=_("Public name"),
        max_length=60,
        required=False,
        validators=[visible_line],
        help_text=_("Shown on the public profile; the first name when empty."),
    )

    def __init__(self, *args, volunteer: Volunteer | None = None, **kwargs):
        if volunteer is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "villages": " ".join(p.village_id for p in volunteer.postings.order_by("pk")),
                "since": volunteer.since,
                "skills": volunteer.skills,
                "other_skills": volunteer.other_skills,
                "display_name": volunteer.display_name,
            }
        super().__init__(*args, **kwargs)
        if volunteer is None:
            self.fields["since"].initial = timezone.localdate

    def clean_villages(self):
        codes = list(dict.fromkeys(_CODES.findall(self.cleaned_data["villages"])))
        if not codes:
            raise forms.ValidationError(_("Give at least one 8-digit village code."))
        found = {v.code: v for v in Village.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(
                _("No village has the code %(code)s.") % {"code": missing[0]}
            )
        return [found[c] for c in codes]

    def to_input(self) -> VolunteerInput:
        data = self.cleaned_data
        return VolunteerInput(
            villages=data["villages"],
            since=data["since"],
            skills=data.get("skills", []),
            other_skills=data.get("other_skills", ""),
            display_name=data.get("display_name", ""),
        )


class RegisterForm(VolunteerForm):
    """A new volunteer: an existing account (its e-mail or phone), or a new one made here."""

    field_order = ["full_name", "phone", "email"]
    full_name = forms.CharField(label=_("Full name"), max_length=150, validators=[visible_line])
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if not phone:
            return ""
        try:
            return normalise_phone(phone)
        except PhoneError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(_("Give a phone number or an e-mail address."))
        return data

    def person(self) -> dict:
        data = self.cleaned_data
        return {"full_name": data["full_name"], "phone": data.get("phone", ""),
                "email": data.get("email", "")}  # fmt: skip
