from django.contrib.auth.backends import ModelBackend

from pracharat.accounts.models import User
from pracharat.core.lib.phone import PhoneError, normalise_phone


def login_key(request, credentials) -> str | None:
    """One key per account for throttling, whichever way the login was typed."""
    login = ((credentials or {}).get("username") or request.POST.get("username") or "").strip()
    if "@" in login:
        return login.lower()
    try:
        return normalise_phone(login)
    except PhoneError:
        return login or None


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
