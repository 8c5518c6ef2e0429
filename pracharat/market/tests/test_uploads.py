"""Uploads of the market: a pixel bomb is refused on the slip, product and logo forms before any
decoding; a transfer slip is private, under a random name, shown only to the buyer's browser
and to those who may see the order; product photos and logos stay public under /media/."""

from __future__ import annotations

import importlib
import io
import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from PIL import Image

from pracharat import testing
from pracharat.accounts.models import User
from pracharat.core.storage import private_storage
from pracharat.market import actions, pages
from pracharat.market.models import Category, MemberRole, Order, OrderStatus, Payment, Product
from pracharat.market.tests.conftest import slip_picture

pytestmark = pytest.mark.django_db

RANDOM_SLIP = re.compile(r"^market/slips/[A-Za-z0-9_-]{32}\.jpg$")


@pytest.fixture
def order(chili_products, buyer_details):
    (placed,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    return placed


@pytest.fixture
def other_order(cloth, buyer_details):
    (placed,) = actions.checkout({cloth.pk: 1}, buyer_details)
    return placed


def holding(*orders) -> Client:
    """A browser whose session holds these orders (it checked them out or looked them up)."""
    client = Client()
    session = client.session
    session[pages.SESSION_ORDERS] = [o.number for o in orders]
    session.save()
    return client


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bomb():
    return testing.upload(testing.bomb_png(), "IMG_2024.png", "image/png")


def files_under(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# --- The bomb, on every form -----------------------------------------------------------------


def test_the_12000_pixel_png_is_refused_on_the_slip_form_without_decoding(
    order, pixel_decodes, uploads, thai
):
    client = holding(order)
    upload = bomb()
    pixel_decodes.clear()
    response = client.post(reverse("market:slip", args=[order.number]), {"slip": upload})
    assert response.status_code == 302
    assert pixel_decodes == []
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT and not order.payments.exists()
    page = client.get(response["Location"]).content.decode()
    assert "ล้านพิกเซล" in page and "more than 40 megapixels" in page
    assert files_under(uploads) == []


def test_the_12000_pixel_png_is_refused_on_the_product_form_without_decoding(
    client, producer, chili_group, pixel_decodes, uploads, fast_hashing
):
    client.force_login(producer)
    upload = bomb()
    pixel_decodes.clear()
    response = client.post(
        reverse("market:seller_product_add"),
        {
            "group": chili_group.pk,
            "sku": "NP-BOMB",
            "category": Category.objects.get(slug="food").pk,
            "title_th": "น้ำพริกระเบิด",
            "price": "45.00",
            "unit": "กระปุก",
            "weight_grams": 200,
            "stock": 1,
            "active": "on",
            "photo": upload,
        },
    )
    assert response.status_code == 200
    assert pixel_decodes == []
    assert response.context["form"].errors.as_data()["photo"][0].code == "too_many_pixels"
    assert not Product.objects.filter(sku="NP-BOMB").exists()
    assert files_under(uploads) == []


@pytest.fixture
def admin_client_(fast_hashing):
    root = User.objects.create_superuser(email="root@example.org", password=testing.PASSWORD)
    return signed_in(root)


def _group_form(group, logo) -> dict:
    return {
        "code": group.code,
        "name_th": group.name_th,
        "name_en": group.name_en,
        "kind": group.kind,
        "village": group.village_id,
        "phone": group.phone,
        "email": group.email,
        "promptpay_id": group.promptpay_id,
        "payment_hours": group.payment_hours,
        "cod_fee": group.cod_fee,
        "active": "on",
        "logo": logo,
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
    }


def test_a_logo_goes_through_the_loader_and_is_served_publicly(
    admin_client_, chili_group, pixel_decodes, uploads
):
    url = reverse("admin:market_producergroup_change", args=[chili_group.pk])
    inline_prefix = admin_client_.get(url).context["inline_admin_formsets"][0].formset.prefix
    form = _group_form(chili_group, bomb())
    form = {k.replace("members-", f"{inline_prefix}-"): v for k, v in form.items()}
    pixel_decodes.clear()
    refused = admin_client_.post(url, form)
    assert refused.status_code == 200 and pixel_decodes == []
    assert refused.context["adminform"].form.errors.as_data()["logo"][0].code == "too_many_pixels"

    exif = Image.Exif()
    exif[0x8825] = {2: (16.0, 58.0, 46.0)}
    raw = io.BytesIO()
    Image.new("RGB", (2000, 1000), "green").save(raw, "JPEG", exif=exif)
    form["logo"] = testing.upload(raw.getvalue(), "group-logo-with-gps.jpg")
    saved = admin_client_.post(url, form)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    chili_group.refresh_from_db()
    assert chili_group.logo.name.startswith("market/groups/")
    assert "gps" not in chili_group.logo.name
    response = Client().get(chili_group.logo.url)  # public, in /media/
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as logo:
        assert logo.size == (512, 256) and not logo.getexif()


# --- A slip is private -----------------------------------------------------------------------


@pytest.fixture
def slip(order) -> Payment:
    response = holding(order).post(
        reverse("market:slip", args=[order.number]),
        {"slip": testing.upload(testing.picture_bytes("PNG", (400, 700)), "KBank-slip.png")},
    )
    assert response.status_code == 302
    return order.payments.get()


def test_the_slip_is_stored_privately_under_a_random_name(slip, uploads, client):
    assert RANDOM_SLIP.match(slip.slip.name), slip.slip.name
    assert "KBank" not in slip.slip.name and slip.order.number not in slip.slip.name
    assert files_under(uploads / "private") == [slip.slip.name]
    assert files_under(uploads / "media") == []
    assert client.get(f"/media/{slip.slip.name}").status_code == 404
    other = actions.record_slip(Order.objects.get(pk=slip.order_id), slip_picture())
    assert RANDOM_SLIP.match(other.slip.name) and other.slip.name != slip.slip.name


def test_a_refused_slip_leaves_no_file_behind(slip, uploads):
    stale = slip.order  # still "waiting for payment" in memory; the row is in review
    stored = files_under(uploads / "private")
    with pytest.raises(actions.OrderStateError):
        actions.record_slip(stale, slip_picture())
    assert files_under(uploads / "private") == stored


def test_the_buyers_browser_and_the_seller_see_the_slip(slip, producer, fast_hashing):
    url = reverse("market:slip_file", args=[slip.order.number, slip.pk])
    page = holding(slip.order).get(reverse("market:order", args=[slip.order.number]))
    assert url in page.content.decode()  # the buyer's order page links to it
    for client in (holding(slip.order), signed_in(producer)):
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == slip.slip.open("rb").read()
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_everyone_else_gets_404(
    slip, other_order, weaving_group, chiangmai_officer, buyer, fast_hashing
):
    url = reverse("market:slip_file", args=[slip.order.number, slip.pk])
    weaver = testing.person("weaver@example.org")
    actions.add_member(weaving_group, weaver, MemberRole.OWNER)
    strangers = {
        "anonymous": Client(),
        "a buyer holding another order": holding(other_order),
        "another group's seller": signed_in(weaver),
        "another province's officer": signed_in(chiangmai_officer),
        "a signed-in buyer of nothing here": signed_in(buyer),
    }
    for who, client in strangers.items():
        assert client.get(url).status_code == 404, who  # never 403, never a redirect
    # ... the same answer as for a slip of the other order or one that does not exist:
    holder = holding(other_order)
    assert (
        holder.get(reverse("market:slip_file", args=[other_order.number, slip.pk])).status_code
        == 404
    )
    assert (
        holding(slip.order)
        .get(reverse("market:slip_file", args=[slip.order.number, slip.pk + 99]))
        .status_code
        == 404
    )


@pytest.mark.parametrize("who", ["phitsanulok_officer", "chiangmai_officer", "inspector"])
def test_officers_never_see_a_slip_even_where_they_see_the_order(slip, who, request):
    """A slip shows the buyer's name and bank account: only the buyer and the group's
    sellers may read it (docs/privacy.md); an officer follows the order without it."""
    user = request.getfixturevalue(who)
    url = reverse("market:slip_file", args=[slip.order.number, slip.pk])
    assert signed_in(user).get(url).status_code == 404


def test_the_admin_links_to_the_checking_view(admin_client_, slip):
    page = admin_client_.get(reverse("admin:market_order_change", args=[slip.order_id]))
    assert page.status_code == 200
    assert reverse("market:slip_file", args=[slip.order.number, slip.pk]) in page.content.decode()


def test_the_migration_moves_old_public_slips_to_random_private_names(
    order, uploads, django_capture_on_commit_callbacks
):
    migration = importlib.import_module("pracharat.market.migrations.0006_private_slips")
    jpeg = testing.picture_bytes()
    old = f"market/slips/{order.pk}/0123456789abcdef.jpg"
    assert default_storage.save(old, ContentFile(jpeg)) == old
    payment = Payment.objects.create(order=order, method="slip", amount=order.total)
    Payment.objects.filter(pk=payment.pk).update(slip=old)
    with django_capture_on_commit_callbacks(execute=True):
        migration.to_private(apps, None)
    payment.refresh_from_db()
    assert RANDOM_SLIP.match(payment.slip.name)
    assert private_storage.open(payment.slip.name).read() == jpeg
    assert files_under(uploads / "media") == []
    with django_capture_on_commit_callbacks(execute=True):
        migration.to_public(apps, None)
    payment.refresh_from_db()
    assert default_storage.open(payment.slip.name).read() == jpeg
    assert files_under(uploads / "private") == []
