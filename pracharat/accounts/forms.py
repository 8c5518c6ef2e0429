from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from pracharat.accounts.models import User


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Email or phone number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "The email/phone number or the password is wrong. "
            "Both are case-sensitive for the password."
        ),
        "inactive": _("This account is not active."),
    }


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. 'provincial dashboard'."),
    )


class NotificationSettingsForm(forms.ModelForm):
    """The language of one's messages and the LINE ID they are pushed to."""

    class Meta:
        model = User
        fields = ["language", "line_push_id"]
