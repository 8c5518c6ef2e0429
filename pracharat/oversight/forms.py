"""Oversight's forms. They parse; the actions decide (rights, rules) and the views put a
refusal on the form with ``core.errors.add_to_form``."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pracharat.accounts.models import Agency, Role
from pracharat.core.collation import by_name
from pracharat.core.lib.thaidate import fiscal_year_of
from pracharat.core.validators import visible_line, visible_text
from pracharat.geo.models import Province
from pracharat.oversight import actions
from pracharat.oversight.models import (
    Category,
    InspectionPlan,
    PlaceKind,
    Severity,
    VisitPlace,
)
from pracharat.oversight.querysets import area_codes


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the cleaned value is a list (possibly empty)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def province_choices(user):
    """The provinces the user works in (all of them for a national membership)."""
    codes = area_codes(user)
    provinces = Province.objects.all()
    if codes is not None:
        provinces = provinces.filter(code__in={c[:2] for c in codes if c})
    return [(p.code, p.name) for p in provinces.order_by(*by_name())]


def agencies_of(area_code: str):
    """The agencies located in a province, and the national ones (the ministry, depa …)."""
    return Agency.objects.filter(Q(area_code__in_area=area_code[:2]) | Q(area_code="")).order_by(
        *by_name()
    )


def inspectors():
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__role=Role.INSPECTOR)
        .distinct()
        .order_by("full_name")
    )


class ProvinceField(forms.ChoiceField):
    def __init__(self, user, **kwargs):
        kwargs.setdefault("label", _("Province"))
        super().__init__(choices=province_choices(user), **kwargs)


def _text(label, required=True, rows=3, max_length=5000, **kwargs):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        validators=[visible_text] if required else [],
        **kwargs,
    )


def _line(label, required=True, max_length=200, **kwargs):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        validators=[visible_line] if required else [],
        **kwargs,
    )


# --- Workspace ----------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    title = _line(_("Title"))
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends"), required=False, widget=DateTimeInput())
    place = _line(_("Place"), required=False, max_length=300)
    online_url = forms.URLField(
        label=_("Online meeting link"),
        required=False,
        assume_scheme="https",
        max_length=500,
        help_text=_("For a meeting online or in both ways (the “new normal”)."),
    )
    agenda = _text(_("Agenda"), required=False, rows=4)
    minutes = _text(_("Minutes"), required=False, rows=6, max_length=20000)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Agencies attending"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, area_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.area_code = area_code
        self.fields["attendees"].queryset = agencies_of(area_code)

    def to_input(self, visit=None, keep_representatives=None) -> actions.MeetingInput:
        data = self.cleaned_data
        reps = keep_representatives or {}
        return actions.MeetingInput(
            area_code=self.area_code,
            title=data["title"],
            starts_at=data["starts_at"],
            ends_at=data.get("ends_at"),
            place=data.get("place", ""),
            online_url=data.get("online_url", ""),
            agenda=data.get("agenda", ""),
            minutes=data.get("minutes", ""),
            visit=visit,
            attendees=[(a, reps.get(a.pk, "")) for a in data["attendees"]],
        )


class AttendeeForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    representatives = _text(
        _("Representatives"), required=False, rows=2, help_text=_("Names and positions.")
    )

    def __init__(self, *args, area_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_of(area_code)


class ActionForm(forms.Form):
    title = _line(_("What is to be done"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner agency"), queryset=Agency.objects.none())
    due_date = forms.DateField(label=_("Due"), widget=DateInput())
    detail = _text(_("Detail"), required=False, rows=2)

    def __init__(self, *args, area_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = agencies_of(area_code)

    def to_input(self) -> actions.ActionInput:
        data = self.cleaned_data
        return actions.ActionInput(
            title=data["title"],
            owner=data["owner"],
            due_date=data["due_date"],
            detail=data.get("detail", ""),
        )


class DecisionForm(ActionForm):
    """One row of "decisions become actions": a blank row is skipped."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = False
            self.fields[name].validators = []

    def clean(self):
        data = super().clean()
        filled = [data.get(name) for name in ("title", "owner", "due_date")]
        if any(filled) and not all(filled):
            raise forms.ValidationError(
                _("A decision needs what is to be done, the owner agency and a due date.")
            )
        return data

    @property
    def is_blank(self) -> bool:
        return not self.cleaned_data.get("title")


DecisionFormSet = forms.formset_factory(DecisionForm, extra=3, max_num=20)


class AnnouncementForm(forms.Form):
    title = _line(_("Title"))
    body = _text(_("Text"), rows=6, max_length=10000)
    pinned = forms.BooleanField(label=_("Pin to the top"), required=False)


# --- Inspections --------------------------------------------------------------------------------


class PlanForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year (BE)"), min_value=2550, max_value=2700)
    round = forms.IntegerField(label=_("Round"), min_value=1, max_value=12, initial=1)
    planned_start = forms.DateField(label=_("Planned start"), widget=DateInput())
    planned_end = forms.DateField(label=_("Planned end"), widget=DateInput())
    inspectors = forms.ModelMultipleChoiceField(
        label=_("Inspectors"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = _text(_("Note"), required=False, rows=2)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"area_code": ProvinceField(user), **self.fields}
        self.fields["inspectors"].queryset = inspectors()
        self.fields["fiscal_year"].initial = fiscal_year_of(timezone.localdate()).be


class VisitForm(forms.Form):
    """The visit and the agencies met. Fields for each agency of the province are added by
    name (``met_<pk>``, ``reps_<pk>``), so the page's draft script saves them like the rest."""

    title = _line(_("Title"), required=False)
    start_date = forms.DateField(label=_("From"), widget=DateInput())
    end_date = forms.DateField(label=_("To"), widget=DateInput())
    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=InspectionPlan.objects.none(), required=False
    )
    inspectors = forms.ModelMultipleChoiceField(
        label=_("Inspectors"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = _text(_("Summary"), required=False, rows=6, max_length=20000)

    def __init__(self, *args, area_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.area_code = area_code
        self.fields["plan"].queryset = InspectionPlan.objects.filter(area_code=area_code)
        self.fields["inspectors"].queryset = inspectors()
        self.agencies = list(agencies_of(area_code))
        self.agency_rows = []
        for agency in self.agencies:
            met, reps = f"met_{agency.pk}", f"reps_{agency.pk}"
            self.fields[met] = forms.BooleanField(label=agency.name, required=False)
            self.fields[reps] = forms.CharField(
                label=_("Representatives of %(agency)s") % {"agency": agency.name},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.agency_rows.append((agency, met, reps))

    @property
    def agency_fields(self):
        return [(agency, self[met], self[reps]) for agency, met, reps in self.agency_rows]

    @property
    def main_fields(self):
        return [self[name] for name in ("title", "start_date", "end_date", "plan", "summary")]

    def to_input(self) -> actions.VisitInput:
        data = self.cleaned_data
        return actions.VisitInput(
            area_code=self.area_code,
            start_date=data["start_date"],
            end_date=data["end_date"],
            title=data.get("title", ""),
            summary=data.get("summary", ""),
            plan=data.get("plan"),
            inspectors=list(data.get("inspectors") or []),
            agencies=[
                (agency, data.get(reps, ""))
                for agency, met, reps in self.agency_rows
                if data.get(met)
            ],
        )

    @staticmethod
    def initial_for(visit) -> dict:
        initial = {
            "title": visit.title,
            "start_date": visit.start_date,
            "end_date": visit.end_date,
            "plan": visit.plan_id,
            "summary": visit.summary,
            "inspectors": [u.pk for u in visit.inspectors.all()],
        }
        for row in visit.agencies_met.all():
            initial[f"met_{row.agency_id}"] = True
            initial[f"reps_{row.agency_id}"] = row.representatives
        return initial


class PlaceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of place"), choices=PlaceKind.choices)
    service_point = forms.CharField(
        label=_("Service point code"),
        required=False,
        max_length=24,
        help_text=_("e.g. NP-65060209"),
    )
    agency = forms.ModelChoiceField(
        label=_("Agency office"), queryset=Agency.objects.none(), required=False
    )
    producer_group = forms.ModelChoiceField(
        label=_("Producer group"), queryset=None, required=False
    )
    centre = forms.CharField(label=_("Learning centre (short name)"), required=False, max_length=80)
    name = _line(_("Name (for another place)"), required=False)
    visited_on = forms.DateField(label=_("Day"), required=False, widget=DateInput())
    note = _text(_("Note"), required=False, rows=2)

    def __init__(self, *args, visit, **kwargs):
        super().__init__(*args, **kwargs)
        from pracharat.market.models import ProducerGroup

        self.fields["agency"].queryset = agencies_of(visit.area_code)
        self.fields["producer_group"].queryset = ProducerGroup.objects.filter(
            area_code__in_area=visit.area_code
        ).order_by(*by_name())
        if not any(f.name == "centre" for f in VisitPlace._meta.get_fields()):
            del self.fields["centre"]
            self.fields["kind"].choices = [c for c in PlaceKind.choices if c[0] != PlaceKind.CENTRE]

    def clean_service_point(self):
        from pracharat.network.models import ServicePoint

        code = self.cleaned_data.get("service_point", "").strip().upper()
        if not code:
            return None
        point = ServicePoint.objects.filter(code=code).first()
        if point is None:
            raise forms.ValidationError(_("No service point has this code."))
        return point

    def clean_centre(self):
        slug = self.cleaned_data.get("centre", "").strip()
        if not slug:
            return None
        from pracharat.learning.models import Centre

        centre = Centre.objects.filter(slug=slug).first()
        if centre is None:
            raise forms.ValidationError(_("No learning centre has this short name."))
        return centre

    def to_input(self) -> actions.PlaceInput:
        data = self.cleaned_data
        return actions.PlaceInput(
            kind=data["kind"],
            service_point=data.get("service_point"),
            centre=data.get("centre"),
            agency=data.get("agency"),
            producer_group=data.get("producer_group"),
            name=data.get("name", ""),
            visited_on=data.get("visited_on"),
            note=data.get("note", ""),
        )


class FindingForm(forms.Form):
    place = forms.ModelChoiceField(
        label=_("Place"),
        queryset=VisitPlace.objects.none(),
        required=False,
        empty_label=_("The visit as a whole (the meeting)"),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM
    )
    problem = _text(_("Problem or obstacle, as heard"), rows=4)
    recommendation = _text(_("Recommendation"), required=False, rows=3)
    photos = MultipleFileField(
        label=_("Photos"),
        help_text=_("JPEG, PNG or WebP. The time and place are read from the photo, then removed."),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    photo_caption = _line(_("Caption of the photos"), required=False, max_length=300)
    photos_public = forms.BooleanField(
        label=_("The photos may be published (no faces or personal details)"), required=False
    )
    action_title = _line(_("Follow-up action (optional)"), required=False, max_length=300)
    action_owner = forms.ModelChoiceField(
        label=_("Owner agency"), queryset=Agency.objects.none(), required=False
    )
    action_due_date = forms.DateField(label=_("Due"), required=False, widget=DateInput())
    action_detail = _text(_("Detail of the action"), required=False, rows=2)

    def __init__(self, *args, visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = visit.places.select_related(
            "service_point", "agency", "producer_group"
        )
        self.fields["place"].label_from_instance = lambda place: place.label
        self.fields["action_owner"].queryset = agencies_of(visit.area_code)

    def clean(self):
        data = super().clean()
        action = [data.get(n) for n in ("action_title", "action_owner", "action_due_date")]
        if any(action) and not all(action):
            raise forms.ValidationError(
                _("An action needs what is to be done, the owner agency and a due date.")
            )
        return data

    def to_input(self) -> actions.FindingInput:
        data = self.cleaned_data
        photos = [
            actions.PhotoInput(
                data=upload.read(actions.PHOTO_MAX_BYTES + 1),
                caption=data.get("photo_caption", ""),
                public=data.get("photos_public", False),
            )
            for upload in data.get("photos", [])
        ]
        action = None
        if data.get("action_title"):
            action = actions.ActionInput(
                title=data["action_title"],
                owner=data["action_owner"],
                due_date=data["action_due_date"],
                detail=data.get("action_detail", ""),
            )
        return actions.FindingInput(
            category=data["category"],
            problem=data["problem"],
            severity=data["severity"],
            recommendation=data.get("recommendation", ""),
            place=data.get("place"),
            photos=photos,
            action=action,
        )


class UpdateForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    text = _text(_("What was done"), rows=3)
    files = MultipleFileField(
        label=_("Evidence files"),
        help_text=_("PDF, pictures, XLSX or DOCX."),
    )
    move = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Keep the status")),
            ("start", _("In progress")),
            ("finish", _("Done: ask for verification")),
        ],
    )

    def to_files(self) -> list[actions.EvidenceInput]:
        limit = settings.OVERSIGHT_EVIDENCE_MAX_MB * 1024 * 1024 + 1  # the action refuses more
        return [
            actions.EvidenceInput(name=f.name, data=f.read(limit))
            for f in self.cleaned_data.get("files", [])
        ]


class MoveForm(forms.Form):
    note = _text(_("Note"), required=False, rows=2)
