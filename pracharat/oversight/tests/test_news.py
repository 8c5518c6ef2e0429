"""News posts: the inspectors' editor (draft → published), the public pages, and the Atom
feeds (RFC 4287), parsed back and checked element by element, and read by feedparser."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET  # our own feed, parsed in a test

import feedparser
import pytest
from django.test import Client
from django.utils import timezone

from pracharat.core.errors import Invalid, NotAllowed
from pracharat.oversight import feeds, news
from pracharat.oversight.models import NewsPost
from pracharat.oversight.tests.reports_fixtures import *  # noqa: F403

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thai", "fast_hashing")]

ATOM = "{http://www.w3.org/2005/Atom}"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def post(khlong_mem_visit, inspector):
    return news.demo_news(khlong_mem_visit, inspector)


def test_the_demo_post_is_written_in_thai_and_published_on_the_day(post, khlong_mem_visit):
    assert post.slug == "phitsanulok-2020-07-22"
    assert post.title.startswith("ผู้ตรวจราชการติดตามงานดิจิทัลที่พิษณุโลก")
    assert len(post.paragraphs) == 4 and "บ้านคลองเมม" in post.body
    assert timezone.localtime(post.published_at).date() == dt.date(2020, 7, 23)
    (photo,) = post.photos.all()
    assert photo.source == khlong_mem_visit.fixture["photo"]
    assert photo.image.url.startswith("/media/oversight/news/")
    with photo.image.open("rb") as handle:
        assert handle.read(3) == b"\xff\xd8\xff"
    again = news.demo_news(khlong_mem_visit, post.author)  # idempotent
    assert again.pk == post.pk and NewsPost.objects.count() == 1 and again.photos.count() == 1


def test_only_the_areas_inspectors_write_news(khlong_mem_visit, phitsanulok_officer, post_officer):
    for someone in (phitsanulok_officer, post_officer, None):
        with pytest.raises(NotAllowed):
            news.save_post(khlong_mem_visit, actor=someone, title="x", body="y")
    client = signed_in(phitsanulok_officer)
    assert client.get(f"/oversight/news/write/{khlong_mem_visit.pk}/").status_code == 403


def test_a_post_needs_a_title_and_text_and_only_public_photos(khlong_mem_visit, inspector):
    with pytest.raises(Invalid) as error:
        news.save_post(khlong_mem_visit, actor=inspector, title=" ", body="")
    assert set(error.value.fields) == {"title", "body"}
    khlong_mem_visit.fixture["photo"].__class__.objects.update(public=False)
    with pytest.raises(Invalid):
        news.save_post(
            khlong_mem_visit, actor=inspector, title="t", body="b",
            photo_ids=[khlong_mem_visit.fixture["photo"].pk],
        )  # fmt: skip


def test_the_editor_keeps_a_draft_then_publishes(
    khlong_mem_visit, inspector, django_assert_max_num_queries
):
    client = signed_in(inspector)
    url = f"/oversight/news/write/{khlong_mem_visit.pk}/"
    with django_assert_max_num_queries(8):
        form = client.get(url)
    assert form.status_code == 200 and "กลุ่มน้ำพริกที่จุดบริการ" in form.content.decode()
    response = client.post(url, {"title": "ข่าวร่าง", "body": "ย่อหน้าหนึ่ง\n\nย่อหน้าสอง"})
    post = NewsPost.objects.get()
    assert response.status_code == 302 and not post.is_published
    assert Client().get(f"/oversight/news/{post.pk}/{post.slug}/").status_code == 404
    assert "ข่าวร่าง" not in Client().get("/oversight/news/").content.decode()
    draft = client.get(f"/oversight/news/{post.pk}/{post.slug}/").content.decode()
    assert '<span class="badge warn">' in draft  # marked as a draft
    published = client.post(f"/oversight/news/{post.pk}/publish/")
    assert published.status_code == 302, published.status_code
    post.refresh_from_db()
    assert post.is_published
    public = Client().get(f"/oversight/news/{post.pk}/{post.slug}/").content.decode()
    assert "<p>ย่อหน้าหนึ่ง</p><p>ย่อหน้าสอง</p>" in public
    client.post(f"/oversight/news/{post.pk}/publish/", {"withdraw": "1"})
    post.refresh_from_db()
    assert not post.is_published


def test_news_pages(post, django_assert_max_num_queries):
    client = Client()
    for url in ("/oversight/news/", "/oversight/news/area/65/"):
        with django_assert_max_num_queries(5):
            html = client.get(url).content.decode()
        assert (post.title in html and "23 ก.ค. 2563" in html) or "23 กรกฎาคม 2563" in html
        assert 'type="application/atom+xml"' in html
    assert post.title not in client.get("/oversight/news/area/50/").content.decode()
    detail = client.get(f"/oversight/news/{post.pk}/{post.slug}/").content.decode()
    assert "วันพฤหัสบดีที่ 23 กรกฎาคม 2563" in detail or "23 กรกฎาคม 2563" in detail
    assert post.photos.get().image.url in detail
    old = client.get(f"/oversight/news/{post.pk}/old-address/")
    assert old.status_code == 301 and old["Location"].endswith(f"/{post.slug}/")


def test_news_list_queries_do_not_grow(post, inspector, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        Client().get("/oversight/news/")
    for n in range(5):
        visit = make_visit(start=dt.date(2020, 8, 1 + n), end=dt.date(2020, 8, 1 + n))  # noqa: F405
        news.publish(news.save_post(visit, actor=inspector, title=f"ข่าว {n}", body="x"),
                     actor=inspector)  # fmt: skip
    with CaptureQueriesContext(connection) as after:
        Client().get("/oversight/news/")
    assert len(after) == len(before)


def atom(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own output


def check_rfc4287(feed: ET.Element) -> None:
    """The elements RFC 4287 requires (§4.1.1, §4.1.2): the feed's id, title, updated, an
    author (on the feed or every entry), a link rel=self and rel=alternate; each entry's
    id, title, updated, a link rel=alternate (no content with a src), and valid dates."""
    assert feed.tag == f"{ATOM}feed"

    def one(parent, name):
        found = parent.findall(f"{ATOM}{name}")
        assert len(found) == 1, (name, len(found))
        return found[0]

    def date(element):
        assert dt.datetime.fromisoformat(element.text.replace("Z", "+00:00")).tzinfo

    for name in ("id", "title", "updated"):
        one(feed, name)
    date(one(feed, "updated"))
    assert one(feed, "id").text.startswith("tag:")
    feed_author = feed.findall(f"{ATOM}author")
    assert all(a.find(f"{ATOM}name") is not None for a in feed_author)
    rels = {link.get("rel", "alternate") for link in feed.findall(f"{ATOM}link")}
    assert {"self", "alternate"} <= rels
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            one(entry, name)
        date(one(entry, "updated"))
        assert feed_author or entry.findall(f"{ATOM}author")
        alternate = [
            link
            for link in entry.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        assert len(alternate) == 1 and alternate[0].get("href").startswith("http")


def test_the_province_feed_is_valid_atom(post, client):
    feed = atom(client.get("/oversight/news/area/65/feed.atom"))
    check_rfc4287(feed)
    (entry,) = feed.findall(f"{ATOM}entry")
    assert (
        entry.find(f"{ATOM}id").text == f"tag:127.0.0.1,{feeds.TAG_DATE}:oversight/news/{post.pk}"
    )
    assert entry.find(f"{ATOM}title").text == post.title
    published = dt.datetime.fromisoformat(entry.find(f"{ATOM}published").text)
    assert published == dt.datetime(2020, 7, 23, 9, 0, tzinfo=dt.UTC)  # 16:00 in Bangkok
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert "<p>ระหว่างวันที่ 22–23 กรกฎาคม 2563" in content.text
    assert 'src="http://testserver/media/oversight/news/' in content.text
    assert feed.find(f"{ATOM}author/{ATOM}name").text.startswith("สำนักงานปลัดกระทรวง")
    assert feed.find(f"{ATOM}title").text == "ข่าวการตรวจราชการ จังหวัดพิษณุโลก"


def test_entry_ids_stay_the_same_when_a_post_changes(post, client, inspector):
    before = atom(client.get("/oversight/news/feed.atom")).find(f"{ATOM}entry/{ATOM}id").text
    post.slug = "new-address"
    post.title = "หัวข้อใหม่"
    post.save()
    feed = atom(client.get("/oversight/news/feed.atom"))
    assert feed.find(f"{ATOM}entry/{ATOM}id").text == before
    assert feed.find(f"{ATOM}entry/{ATOM}title").text == "หัวข้อใหม่"


def test_feed_readers_read_it(post, client):
    for url in ("/oversight/news/feed.atom", "/oversight/news/area/65/feed.atom"):
        parsed = feedparser.parse(client.get(url).content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.version == "atom10"
        (entry,) = parsed.entries
        assert entry.title == post.title and entry.link.endswith(f"/{post.slug}/")
        assert entry.published_parsed[:3] == (2020, 7, 23)


def test_feeds_of_nothing_and_of_no_province(client, db):
    check_rfc4287(atom(client.get("/oversight/news/area/50/feed.atom")))
    assert client.get("/oversight/news/area/99/feed.atom").status_code == 404


def test_feed_query_budget(post, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get("/oversight/news/area/65/feed.atom")
    with django_assert_max_num_queries(2):
        client.get("/oversight/news/feed.atom")
