"""How API callers prove who they are: a bearer token or the browser session."""

from ninja.security import APIKeyCookie, HttpBearer

from pracharat.accounts.models import ApiToken


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.objects.authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session (ninja checks CSRF on unsafe methods)."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


token_or_session = [BearerToken(), SessionAuth()]
