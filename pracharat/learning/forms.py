from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pracharat.core.validators import visible_line, visible_text
from pracharat.geo.models import Village
from pracharat.learning.models import (
    AgeGroup,
    AttendanceStatus,
    Course,
    Occupation,
    VenueEventKind,
)

SESSION_ROWS = 5


class RegistrationForm(forms.Form):
    """The public registration (and, with ``walk_in``, the trainer's walk-in form)."""

    full_name = forms.CharField(label=_("Name"), max_length=150, validators=[visible_line])
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=20,
        required=False,
        help_text=_("To check in with it and to be told if the class changes."),
    )
    occupation = forms.ChoiceField(label=_("Occupation"), choices=Occupation.choices)
    age_group = forms.ChoiceField(label=_("Age group"), choices=AgeGroup.choices)
    village = forms.ModelChoiceField(
        label=_("Your village"), queryset=Village.objects.none(), required=False
    )
    consent = forms.BooleanField(label=_("I agree to the notice above."), required=True)

    def __init__(self, *args, area_code: str = "", walk_in: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        villages = Village.objects.in_area(area_code[:4]) if len(area_code) >= 4 else None
        if villages is not None:
            self.fields["village"].queryset = villages.order_by("code")
            self.fields["village"].label_from_instance = lambda v: f"{v.name} ({_('Moo')} {v.moo})"
        else:
            del self.fields["village"]
        if walk_in:
            self.fields["full_name"].label = _("Learner's name")
            if "village" in self.fields:
                self.fields["village"].label = _("Village")
            self.fields["consent"].label = _("The learner heard the notice above and agreed to it.")


class SessionRowsMixin:
    """Up to ``SESSION_ROWS`` session rows: a date, a start and an end time each."""

    def add_session_fields(self, rows: int = SESSION_ROWS):
        for i in range(rows):
            required = i == 0
            self.fields[f"date_{i}"] = forms.DateField(
                label=_("Date"), required=required, widget=forms.DateInput(attrs={"type": "date"})
            )
            self.fields[f"start_{i}"] = forms.TimeField(
                label=_("From"), required=required, widget=forms.TimeInput(attrs={"type": "time"})
            )
            self.fields[f"end_{i}"] = forms.TimeField(
                label=_("To"), required=required, widget=forms.TimeInput(attrs={"type": "time"})
            )

    def session_rows(self):
        return [
            (self[f"date_{i}"], self[f"start_{i}"], self[f"end_{i}"])
            for i in range(SESSION_ROWS)
            if f"date_{i}" in self.fields
        ]

    def sessions(self) -> list[tuple[dt.datetime, dt.datetime]]:
        found = []
        for i in range(SESSION_ROWS):
            day = self.cleaned_data.get(f"date_{i}")
            start, end = self.cleaned_data.get(f"start_{i}"), self.cleaned_data.get(f"end_{i}")
            if day and start and end:
                found.append(
                    (
                        timezone.make_aware(dt.datetime.combine(day, start)),
                        timezone.make_aware(dt.datetime.combine(day, end)),
                    )
                )
        return found


class CohortForm(SessionRowsMixin, forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.all())
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500, initial=20)
    description = forms.CharField(
        label=_("About this class"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[visible_text],
    )
    open_now = forms.BooleanField(
        label=_("Open for registration now"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_session_fields()


class SessionForm(SessionRowsMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_session_fields(rows=1)


class WhoForm(forms.Form):
    """A learner says who they are at their first check-in on a phone."""

    who = forms.CharField(
        label=_("Your phone number or your name as registered"), max_length=150, required=False
    )


class ShortCodeForm(WhoForm):
    code = forms.CharField(
        label=_("The 6-digit code on the trainer's screen"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class AttendanceForm(forms.Form):
    """One row per learner of the class: present / late / excused / absent."""

    def __init__(self, *args, enrolments=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.rows = []
        for enrolment in enrolments:
            name = f"e{enrolment.pk}"
            self.fields[name] = forms.ChoiceField(
                label=enrolment.learner.full_name or _("(erased)"),
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=current.get(enrolment.pk),
            )
            self.rows.append((enrolment, self[name]))

    def marks(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items() if value}


class BookingForm(forms.Form):
    title = forms.CharField(label=_("Activity"), max_length=200, validators=[visible_line])
    kind = forms.ChoiceField(label=_("Kind"), choices=VenueEventKind.choices)
    organiser_name = forms.CharField(
        label=_("Organiser (a group, if not your agency)"),
        max_length=200,
        required=False,
        validators=[visible_line],
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}))
    weekly = forms.BooleanField(label=_("Every week"), required=False)
    repeat_until = forms.DateField(
        label=_("Until (for weekly)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[visible_text],
    )

    def times(self):
        day = self.cleaned_data["date"]
        return (
            timezone.make_aware(dt.datetime.combine(day, self.cleaned_data["start"])),
            timezone.make_aware(dt.datetime.combine(day, self.cleaned_data["end"])),
        )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)
