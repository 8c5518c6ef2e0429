"""The search terms page: provincial officers and staff add and remove synonym and
broader-term entries; the search uses a change at once, cached rankings included; an officer
removes only their province's entries; everyone else gets a 403."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation

from pracharat import testing
from pracharat.market import search
from pracharat.market.models import SearchSynonym
from pracharat.market.tests.conftest import make_product

pytestmark = pytest.mark.django_db

URL = reverse("market:search_terms")


def _remove_url(entry) -> str:
    return reverse("market:search_terms_remove", args=[entry.pk])


def titles(q):
    return [p.title_th for p in search.search_products(q)]


@pytest.fixture
def pillow(weaving_group):
    return make_product(weaving_group, "หมอนขิดลายดอกแก้ว", "250.00", category="textiles", unit="ใบ")


@pytest.fixture
def officer(client, phitsanulok_officer, fast_hashing):
    client.force_login(phitsanulok_officer)
    return client


def test_an_officer_s_entry_finds_at_once_and_its_removal_too(officer, phitsanulok_officer, pillow):
    assert titles("pillow") == []  # ranked and cached as nothing
    response = officer.post(URL, {"names": "หมอน, pillow , cushion", "kinds": "หมอนขิด"})
    assert response.status_code == 302
    entry = SearchSynonym.objects.get(names="หมอน, pillow, cushion")
    assert entry.area_code == "65"
    assert titles("pillow") == ["หมอนขิดลายดอกแก้ว"]
    assert titles("cushion") == ["หมอนขิดลายดอกแก้ว"]
    page = officer.get(URL).content.decode()
    assert "หมอน, pillow, cushion" in page and _remove_url(entry) in page
    assert "พิษณุโลก" in page or "Phitsanulok" in page

    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(SearchSynonym), object_pk=str(entry.pk)
    )
    assert entries.filter(actor=phitsanulok_officer).count() == 1

    assert officer.post(_remove_url(entry)).status_code == 302
    assert not SearchSynonym.objects.filter(pk=entry.pk).exists()
    assert titles("pillow") == []
    assert entries.filter(actor=phitsanulok_officer).count() == 2  # the removal too


def test_an_officer_removes_only_their_province_s_entries(
    client, officer, chiangmai_officer, fast_hashing
):
    officer.post(URL, {"names": "หมอน, pillow"})
    own = SearchSynonym.objects.get(names="หมอน, pillow")
    platform = SearchSynonym.objects.create(names="น้ำผึ้งป่า, wild honey")  # the platform's

    assert officer.post(_remove_url(platform)).status_code == 404
    assert _remove_url(platform) not in officer.get(URL).content.decode()

    client.force_login(chiangmai_officer)
    assert _remove_url(own) not in client.get(URL).content.decode()
    assert client.post(_remove_url(own)).status_code == 404
    assert SearchSynonym.objects.filter(pk__in=[own.pk, platform.pk]).count() == 2

    staff = testing.person("staff@example.org")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.post(_remove_url(platform)).status_code == 302
    assert client.post(_remove_url(own)).status_code == 302
    assert not SearchSynonym.objects.filter(pk__in=[own.pk, platform.pk]).exists()


def test_a_district_officer_removes_what_they_added(client, geography, fast_hashing):
    from pracharat.accounts.models import Role

    district = testing.person("officer.mueang@example.org", Role.PROVINCIAL_OFFICER, "6501")
    client.force_login(district)
    assert client.post(URL, {"names": "หมอน, pillow"}).status_code == 302
    entry = SearchSynonym.objects.get(names="หมอน, pillow")
    assert entry.area_code == "6501"
    assert client.post(_remove_url(entry)).status_code == 302
    assert not SearchSynonym.objects.filter(pk=entry.pk).exists()


def test_nobody_else_may_open_or_change_the_terms(client, buyer, producer, chili_group):
    entry = SearchSynonym.objects.create(names="หมอน, pillow")
    before = SearchSynonym.objects.count()
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(buyer)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"names": "ขยะ, junk"}).status_code == 403
    assert client.post(_remove_url(entry)).status_code == 403
    assert client.post(_edit_url(entry), {"names": "ขยะ, junk"}).status_code == 403
    # a group's member opens the page, but adds only for a group and keeps only its entries
    client.force_login(producer)
    assert client.get(URL).status_code == 200
    assert client.post(URL, {"names": "ขยะ, junk"}).status_code == 400
    assert client.post(_remove_url(entry)).status_code == 404
    assert client.post(_edit_url(entry), {"names": "ขยะ, junk"}).status_code == 404
    assert SearchSynonym.objects.count() == before
    assert SearchSynonym.objects.get(pk=entry.pk).names == "หมอน, pillow"


def _edit_url(entry) -> str:
    return reverse("market:search_terms_edit", args=[entry.pk])


@pytest.fixture
def chili(chili_group):
    return make_product(chili_group, "น้ำพริกตาแดงสูตรโบราณ", "60.00", category="food")


def test_a_group_member_adds_changes_and_removes_their_group_s_entry(
    client, producer, chili_group, chili
):
    client.force_login(producer)
    assert titles("jaew") == []
    response = client.post(URL, {"names": "น้ำพริกตาแดง, jaew", "group": chili_group.pk})
    assert response.status_code == 302
    entry = SearchSynonym.objects.get(names="น้ำพริกตาแดง, jaew")
    assert entry.group == chili_group and entry.area_code == chili_group.area_code
    assert titles("jaew") == ["น้ำพริกตาแดงสูตรโบราณ"]
    page = client.get(URL).content.decode()
    assert _edit_url(entry) in page and _remove_url(entry) in page and chili_group.name in page

    assert client.get(_edit_url(entry)).status_code == 200
    response = client.post(_edit_url(entry), {"names": "น้ำพริกตาแดง, redeye"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.names == "น้ำพริกตาแดง, redeye" and entry.group == chili_group
    assert titles("jaew") == []  # the change is used at once, the cached ranking too
    assert titles("redeye") == ["น้ำพริกตาแดงสูตรโบราณ"]

    logged = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(SearchSynonym), object_pk=str(entry.pk)
    )
    assert client.post(_remove_url(entry)).status_code == 302
    assert not SearchSynonym.objects.filter(pk=entry.pk).exists()
    assert [e.action for e in logged.filter(actor=producer).order_by("pk")] == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    ]


def test_a_member_keeps_only_their_own_group_s_entries(
    client, producer, chili_group, weaving_group, phitsanulok_officer, chiangmai_officer
):
    other = SearchSynonym.objects.create(
        names="ผ้าซิ่น, sarong", group=weaving_group, area_code=weaving_group.area_code
    )
    client.force_login(producer)
    # another group is no choice: refused, nothing added
    response = client.post(URL, {"names": "หมอน, pillow", "group": weaving_group.pk})
    assert response.status_code == 400
    assert not SearchSynonym.objects.filter(names="หมอน, pillow").exists()
    page = client.get(URL).content.decode()
    assert _edit_url(other) not in page and _remove_url(other) not in page
    assert client.get(_edit_url(other)).status_code == 404
    assert client.post(_edit_url(other), {"names": "ขยะ, junk"}).status_code == 404
    assert client.post(_remove_url(other)).status_code == 404
    assert SearchSynonym.objects.get(pk=other.pk).names == "ผ้าซิ่น, sarong"

    # the officers of the group's province change it; another province's do not
    own = SearchSynonym.objects.create(
        names="แจ่ว, jaew", group=chili_group, area_code=chili_group.area_code
    )
    client.force_login(chiangmai_officer)
    assert client.post(_edit_url(own), {"names": "ขยะ, junk"}).status_code == 404
    assert client.post(_edit_url(other), {"names": "ผ้าซิ่น, tube skirt"}).status_code == 302
    client.force_login(phitsanulok_officer)
    assert client.post(_edit_url(own), {"names": "แจ่ว, jaew, dip"}).status_code == 302
    assert SearchSynonym.objects.get(pk=own.pk).names == "แจ่ว, jaew, dip"
    assert SearchSynonym.objects.get(pk=other.pk).names == "ผ้าซิ่น, tube skirt"


def test_a_bad_change_keeps_the_entry_and_says_why_in_thai(officer, chili_group):
    entry = SearchSynonym.objects.create(
        names="แจ่ว, jaew", group=chili_group, area_code=chili_group.area_code
    )
    with translation.override("th"):
        response = officer.post(_edit_url(entry), {"names": "แจ่ว"}, HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 400
    page = response.content.decode()
    assert "ใส่ชื่อของสิ่งเดียวกันอย่างน้อยสองชื่อ" in page and "แก้ไขรายการคำค้น" in page
    assert SearchSynonym.objects.get(pk=entry.pk).names == "แจ่ว, jaew"


def test_the_page_is_linked_from_the_seller_s_menu_and_the_officer_s_header(
    client, producer, chili_group, phitsanulok_officer, buyer
):
    client.force_login(producer)
    assert f'href="{URL}"' in client.get(reverse("market:seller")).content.decode()
    assert f'href="{URL}"' in client.get(reverse("market:index")).content.decode()
    client.force_login(phitsanulok_officer)
    assert f'href="{URL}"' in client.get(reverse("market:index")).content.decode()
    client.force_login(buyer)
    assert f'href="{URL}"' not in client.get(reverse("market:index")).content.decode()
    client.logout()
    assert f'href="{URL}"' not in client.get(reverse("market:index")).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"names": ""}, "กรุณากรอกชื่อของสิ่งเดียวกันอย่างน้อยสองชื่อ"),
        ({"names": "หมอน"}, "ใส่ชื่อของสิ่งเดียวกันอย่างน้อยสองชื่อ"),
        ({"names": "หมอน, " + "ก" * 61}, "ยาวเกิน 60 ตัวอักษร"),
    ],
)
def test_a_bad_entry_adds_nothing_and_says_why_in_thai(officer, data, message):
    before = SearchSynonym.objects.count()
    with translation.override("th"):
        response = officer.post(URL, data, HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SearchSynonym.objects.count() == before
