from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import check_for_language


class ThaiFirstLocaleMiddleware(LocaleMiddleware):
    """Thai unless the person chose English with the switch (a cookie).

    Many phones in Thailand run an English system locale, so a browser's Accept-Language says
    little about the reader; pages follow the explicit choice only. API clients, which set
    Accept-Language on purpose, keep Django's negotiation.
    """

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen and check_for_language(chosen) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
