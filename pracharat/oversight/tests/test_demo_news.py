"""The demo's news post: `pracharat demo` writes the Phitsanulok visit's post (ov-core's demo
calls ``news.demo_news``), published on 23 July 2020 and in the province's feed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from pracharat.core import registry
from pracharat.oversight import news
from pracharat.oversight.models import NewsPost

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thai", "fast_hashing")]


def test_the_demo_writes_the_visits_news_post(geography, client):
    for load in registry.demo_loaders:
        load(io.StringIO())
    post = NewsPost.objects.get()
    assert news.demo_news(post.visit, post.author).pk == post.pk  # again: the same post
    assert post.visit.start_date == dt.date(2020, 7, 22) and post.area_code == "65"
    assert timezone.localtime(post.published_at).date() == dt.date(2020, 7, 23)
    assert "บ้านคลองเมม" in post.body
    feed = client.get("/oversight/news/area/65/feed.atom").content.decode()
    assert post.title in feed
    page = client.get(f"/oversight/news/{post.pk}/{post.slug}/").content.decode()
    assert "23 กรกฎาคม 2563" in page
