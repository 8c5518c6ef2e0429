from django.contrib.auth.backends import ModelBackend

from pracharat.accounts.models import User
from pracharat.core.lib.phone import PhoneError, normalise_phone


def login_key(request, credentials) -> str | None:
    """One key per account for lockouts, whichever way the login was typed: the email and the
    phone of one account share one counter. A login that matches no account keeps its
    normalised spelling, so guessing at unknown logins is limited too."""
    login = ((credentials or {}).get("username") or request.POST.get("username") or "").strip()
    if not login:
        return None
    try:
        return f"user:{User.objects.get_by_login(login).pk}"
    except (User.DoesNotExist, User.MultipleObjectsReturned):
        pass
    if "@" in login:
        return login.lower()
    try:
        return normalise_phone(login)
    except PhoneError:
        return login


class EmailOrPhoneBackend(ModelBackend):
    """Authenticate with an email address or a Thai phone number in any common format."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        login = username or kwargs.get(User.USERNAME_FIELD)
        if not login or password is None:
            return None
        try:
            user = User.objects.get_by_login(login)
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
