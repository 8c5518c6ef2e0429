from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
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
    prefix = get_script_prefix()
    links = _links.get(prefix)
    if links is None:  # the same for every request of a process (per script prefix)
        items = []
        for url_name, label in registry.nav_links():
            try:
                items.append({"url": reverse(url_name), "label": label})
            except NoReverseMatch:
                continue
        links = _links[prefix] = {
            "home_url": prefix,
            "pillar_nav": items,
            "login_url": resolve_url(settings.LOGIN_URL),
            "account_url": resolve_url(settings.LOGIN_REDIRECT_URL),
        }
    return dict(links)


#: pillar_nav's answer per script prefix: URLs resolve the same way for the whole process
#: (labels stay lazy, so each page still shows them in its own language).
_links: dict[str, dict] = {}


@receiver(setting_changed)
def _forget_links(**kwargs) -> None:
    """Tests that change ``LOGIN_URL`` or the URLconf get fresh links."""
    _links.clear()
