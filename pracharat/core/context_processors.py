from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, get_script_prefix, reverse

from pracharat.core import registry


def pillar_nav(request):
    """What the shared layout links to, without core naming any app's URL:

    - ``home_url``: the site's root (whichever app serves it);
    - ``pillar_nav``: each installed app's ``AppConfig.nav`` links, in ``PRACHARAT_APPS``
      order (names that do not resolve are skipped);
    - ``login_url`` / ``account_url``: Django's ``LOGIN_URL`` and ``LOGIN_REDIRECT_URL``
      (where a signed-in person lands: their own page)."""
    items = []
    for url_name, label in registry.nav_links():
        try:
            items.append({"url": reverse(url_name), "label": label})
        except NoReverseMatch:
            continue
    return {
        "home_url": get_script_prefix(),
        "pillar_nav": items,
        "login_url": resolve_url(settings.LOGIN_URL),
        "account_url": resolve_url(settings.LOGIN_REDIRECT_URL),
    }
