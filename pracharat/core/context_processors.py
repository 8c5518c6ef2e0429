from django.conf import settings
from django.urls import NoReverseMatch, reverse


def pillar_nav(request):
    """Top navigation links of the pillars that are installed (``settings.PRACHARAT_NAV``)."""
    items = []
    for url_name, label in settings.PRACHARAT_NAV:
        try:
            items.append({"url": reverse(url_name), "label": label})
        except NoReverseMatch:
            continue
    return {"pillar_nav": items}
