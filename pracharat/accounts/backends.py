from django.contrib.auth.backends import ModelBackend

from pracharat.accounts.models import User


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
