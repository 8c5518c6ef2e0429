"""The news editor's form (the rest of oversight's forms are in forms.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pracharat.oversight.models import NewsPost


class NewsPostForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=NewsPost._meta.get_field("title").max_length
    )
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Paragraphs separated by a blank line."),
    )
    photos = forms.TypedMultipleChoiceField(
        label=_("Photos"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only the visit's photos marked as publishable (no faces, no personal details)."
        ),
    )
    publish = forms.BooleanField(label=_("Publish now"), required=False)

    def __init__(self, *args, photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].choices = [
            (p.pk, p.caption or _("Photo %(n)d") % {"n": n}) for n, p in enumerate(photos, 1)
        ]
