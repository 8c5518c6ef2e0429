"""News posts about visits: written by inspectors, public once published, and the Atom feeds'
source (``feeds``).

A post is a draft until it is published (``published_at`` set; no status column, so no
transitions table: publishing and withdrawing are the two writes here, each audited). Its
photos are copies, in public media, of the visit's finding photos an inspector marked as
publishable (``FindingPhoto.public``: no faces, no personal details); the copies are the
fresh JPEGs the upload made (``core.lib.images``: no EXIF, no location).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image

from pracharat.core.errors import Invalid, NotAllowed
from pracharat.core.lib import area
from pracharat.geo.models import Province
from pracharat.oversight import querysets
from pracharat.oversight.models import FindingPhoto, NewsPhoto, NewsPost, Visit

#: At most this many photos in a post.
MAX_PHOTOS = 8
JPEG = b"\xff\xd8\xff"


def may_write_news(user, area_code: str) -> bool:
    """Inspectors of the area (a national inspector: everywhere) write and publish its news."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    codes = querysets.inspector_codes(user)
    if codes is None:
        return True
    return any(area.contains(code, area_code) for code in codes)


def _check(user, area_code: str) -> None:
    if not may_write_news(user, area_code):
        raise NotAllowed(_("Only the area's inspectors write and publish its news."))


def new_slug(visit: Visit, province: Province | None) -> str:
    """``phitsanulok-2020-07-22``, with ``-2``, ``-3`` … when taken (ASCII: a feed reader's
    and a provincial site's addresses stay plain)."""
    stem = slugify(province.name_en if province and province.name_en else visit.area_code)
    stem = f"{stem or 'news'}-{visit.start_date:%Y-%m-%d}"
    taken = set(NewsPost.objects.filter(slug__startswith=stem).values_list("slug", flat=True))
    slug, n = stem, 1
    while slug in taken:
        n += 1
        slug = f"{stem}-{n}"
    return slug


def publishable_photos(visit: Visit):
    """The visit's finding photos an inspector marked as publishable, in the order taken."""
    return FindingPhoto.objects.filter(finding__visit=visit, public=True).order_by("taken_at", "pk")


def _copy_photos(post: NewsPost, photos: list[FindingPhoto]) -> None:
    kept = {p.source_id: p for p in post.photos.all()}
    wanted = [p.pk for p in photos]
    post.photos.exclude(source_id__in=wanted).delete()
    for position, photo in enumerate(photos):
        copy = kept.get(photo.pk)
        if copy is not None:
            if (copy.position, copy.caption) != (position, photo.caption):
                copy.position, copy.caption = position, photo.caption
                copy.save(update_fields=["position", "caption"])
            continue
        with photo.image.open("rb") as handle:
            content = handle.read()
        if not content.startswith(JPEG):  # only the pictures the upload re-encoded
            continue
        with Image.open(io.BytesIO(content)) as picture:
            width, height = picture.size
        copy = NewsPhoto(post=post, caption=photo.caption, source=photo, position=position)
        copy.image.save("photo.jpg", ContentFile(content), save=False)
        copy.width, copy.height = width, height
        copy.save()


@transaction.atomic
def save_post(
    visit: Visit,
    *,
    actor,
    title: str,
    body: str,
    photo_ids: list[int] | None = None,
    post: NewsPost | None = None,
) -> NewsPost:
    """Write (or rewrite) the visit's news post; a new one is a draft. ``photo_ids`` pick
    among :func:`publishable_photos` (others are refused); None keeps the post's photos."""
    _check(actor, visit.area_code)
    title, body = title.strip(), body.strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the post a title.")
    if not body:
        errors["body"] = _("Write the post's text.")
    if errors:
        raise Invalid(_("The post is not complete."), fields=errors)
    if post is None:
        province = Province.objects.filter(code=visit.area_code[:2]).first()
        post = NewsPost(visit=visit, area_code=visit.area_code[:2], slug=new_slug(visit, province))
    elif post.visit_id != visit.pk:
        raise Invalid(_("This post is about another visit."))
    post.title, post.body, post.author = title, body, actor
    post.save()
    if photo_ids is not None:
        if len(photo_ids) > MAX_PHOTOS:
            raise Invalid(_("At most %(n)d photos in a post.") % {"n": MAX_PHOTOS}, field="photos")
        allowed = {p.pk: p for p in publishable_photos(visit).filter(pk__in=photo_ids)}
        if set(photo_ids) - set(allowed):
            raise Invalid(_("Only the visit's publishable photos can be used."), field="photos")
        _copy_photos(post, [allowed[pk] for pk in photo_ids])
    return post


@transaction.atomic
def publish(post: NewsPost, *, actor, at: dt.datetime | None = None) -> NewsPost:
    """Publish the post now (or at ``at``, which may be in the past for an old visit's post):
    it appears on the news pages and in the Atom feeds."""
    _check(actor, post.area_code)
    post.published_at = at or timezone.now()
    post.save(update_fields=["published_at", "updated"])
    return post


@transaction.atomic
def withdraw(post: NewsPost, *, actor) -> NewsPost:
    """Make a published post a draft again (it leaves the pages and feeds)."""
    _check(actor, post.area_code)
    post.published_at = None
    post.save(update_fields=["published_at", "updated"])
    return post


# --- The demo's post ---------------------------------------------------------------------------

#: The demo visit's post, written for this project from the visit's facts (the seed's news
#: item is not copied): its title, a blank line, then paragraphs separated by blank lines.
DEMO_TEXT = Path(__file__).resolve().parent / "data" / "demo-news-phitsanulok-2563.txt"


def demo_news(visit: Visit, author) -> NewsPost:
    """The demo visit's news post, published on 23 July 2020 with the visit's publishable
    photos (idempotent: rewritten in place when the demo runs again)."""
    title, _blank, body = DEMO_TEXT.read_text(encoding="utf-8").partition("\n\n")
    post = NewsPost.objects.filter(visit=visit).order_by("pk").first()
    photos = [p.pk for p in publishable_photos(visit)[:MAX_PHOTOS]]
    post = save_post(visit, actor=author, title=title, body=body, photo_ids=photos, post=post)
    at = dt.datetime(2020, 7, 23, 16, 0, tzinfo=timezone.get_current_timezone())
    if post.published_at != at:
        publish(post, actor=author, at=at)
    return post
