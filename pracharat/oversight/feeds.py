"""Atom feeds (RFC 4287) of the published news: one for the country, one per province, that a
provincial office's site can republish as they are.

Django's syndication framework writes them (``Atom1Feed``); we add what a republisher needs
and Django leaves out: each entry's full text as ``<content type="html">`` (paragraphs and
photos with absolute addresses) beside its ``<summary>``. Ids are ``tag:`` URIs (RFC 4151)
built from ``SITE_URL``'s host and the post's number, so they stay the same when a title or
address changes; ``<updated>`` is the entry's last change, and the feed's is its newest entry's.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from pracharat.geo.models import Province
from pracharat.oversight.models import NewsPost

#: Entries in a feed: the newest.
FEED_SIZE = 30
#: The date in the feeds' tag: URIs (RFC 4151 §2.1: a day the authority held the name).
TAG_DATE = "2026-12-01"


def tag_authority() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def entry_id(post: NewsPost) -> str:
    return f"tag:{tag_authority()},{TAG_DATE}:oversight/news/{post.pk}"


class NewsAtomFeed(Atom1Feed):
    """``Atom1Feed`` with each entry's full text in ``<content type="html">``."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class CountryFeed(Feed):
    feed_type = NewsAtomFeed

    def __call__(self, request, *args, **kwargs):
        # The photos' absolute addresses need the request; Feed instances are shared between
        # threads, so keep it on a copy made for this call.
        feed = type(self).__new__(type(self))
        feed.__dict__.update(self.__dict__)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return None

    def posts(self, obj):
        return NewsPost.objects.published()

    def items(self, obj):
        return list(
            self.posts(obj).prefetch_related("photos").order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def title(self, obj):
        return _("Oversight news from the Net Pracharat provinces")

    def subtitle(self, obj):
        return _("Inspection visits and their follow-up, as published on pracharat.")

    def link(self, obj):
        return reverse("oversight:news_index")

    def feed_url(self, obj):
        return reverse("oversight:news_feed")

    def feed_guid(self, obj):
        return f"tag:{tag_authority()},{TAG_DATE}:oversight/news"

    def author_name(self, obj):
        return settings.OVERSIGHT_REPORT_OFFICE

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        paragraphs = item.paragraphs
        return paragraphs[0] if paragraphs else ""

    def item_link(self, item):
        return reverse("oversight:news_detail", args=[item.pk, item.slug])

    def item_guid(self, item):
        return entry_id(item)

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        # A post published after its last edit (or back-dated) was last changed when published.
        return max(item.updated, item.published_at) if item.updated else item.published_at

    def item_extra_kwargs(self, item):
        html = render_to_string(
            "oversight/news_content.html",
            {"post": item, "photo_urls": self._photo_urls(item)},
        )
        return {"content": html}

    def _photo_urls(self, item):
        return [
            (self.request.build_absolute_uri(photo.image.url), photo.caption)
            for photo in item.photos.all()
        ]


class ProvinceFeed(CountryFeed):
    def get_object(self, request, code):
        return get_object_or_404(Province, code=code)

    def posts(self, obj):
        return NewsPost.objects.published().filter(area_code=obj.code)

    def title(self, obj):
        return _("Oversight news from %(province)s") % {"province": obj.name}

    def link(self, obj):
        return reverse("oversight:news_area", args=[obj.code])

    def feed_url(self, obj):
        return reverse("oversight:news_area_feed", args=[obj.code])

    def feed_guid(self, obj):
        return f"tag:{tag_authority()},{TAG_DATE}:oversight/news/area/{obj.code}"
