import datetime as dt
import re

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from pracharat.learning import actions
from pracharat.learning.models import Attendance, Centre, Enrolment, Learner
from pracharat.learning.tests.conftest import later, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(open_class, khlong_mem_point, course, rmutl_trainer, phitsanulok_officer):
    """A few classes, learners and a weekly meeting, for the list pages' budgets."""
    for n in range(3):
        register(open_class, name=f"ผู้เรียน {n}", phone=f"08111100{n:02d}")
    other = actions.create_cohort(
        rmutl_trainer, course=course, venue=khlong_mem_point, sessions=[later(1), later(8)],
        open_now=True,
    )  # fmt: skip
    register(other, name="ชาวบ้าน")
    start, end = later(-14, hour=13)
    actions.request_booking(
        phitsanulok_officer, venue=khlong_mem_point, title="ประชุมกลุ่มน้ำพริก",
        kind="group_meeting", starts_at=start, ends_at=end, weekly=True,
    )  # fmt: skip
    return other


def test_public_pages_show_counts_never_names(
    client, busy, open_class, django_assert_max_num_queries
):
    pages = [
        reverse("learning:index"),
        reverse("learning:province", args=["65"]),
        reverse("learning:centre", args=["rmutl-ict"]),
        reverse("learning:cohort", args=[open_class.pk]),
        reverse("learning:cohort", args=[busy.pk]),
        reverse("network:point", args=["NP-65060209"]),
        reverse("geo:area", args=["65060209"]),
        reverse("geo:area", args=["65"]),
    ]
    for url in pages:
        with django_assert_max_num_queries(25):
            response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "ผู้เรียน 0" not in text and "ชาวบ้าน" not in text and "0811110000" not in text
    page = client.get(reverse("learning:cohort", args=[open_class.pk])).content.decode()
    assert "3 จาก 3" in page or "3 of 3" in page
    point = client.get(reverse("network:point", args=["NP-65060209"])).content.decode()
    assert "ประชุมกลุ่มน้ำพริก" in point and 'data-test="venue-calendar"' in point
    village = client.get(reverse("geo:area", args=["65060209"])).content.decode()
    assert 'data-test="learning-panel"' in village and "ขายสินค้าชุมชนออนไลน์" in village


def test_the_list_pages_stay_within_their_query_budget_as_rows_grow(
    client, busy, open_class, rmutl_trainer, course, rmutl_centre, django_assert_max_num_queries
):
    client.force_login(rmutl_trainer)
    urls = [
        reverse("learning:mine"),
        reverse("learning:manage", args=[busy.pk]),
        reverse("learning:attendance", args=[busy.sessions.first().pk]),
        reverse("learning:index"),
        reverse("learning:province", args=["65"]),
    ]
    for _ in range(5):  # more classes and learners: the same number of queries
        extra = actions.create_cohort(
            rmutl_trainer, course=course, venue=rmutl_centre, sessions=[later(4)], open_now=True
        )
        register(extra, name="เพิ่ม")
        register(busy, name=f"เพิ่ม {extra.pk}")
    for url in urls:
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200, url


def test_the_trainers_pages_need_the_right(client, busy, school_trainer, chiangmai_officer):
    for user in (school_trainer, chiangmai_officer):
        client.force_login(user)
        assert client.get(reverse("learning:manage", args=[busy.pk])).status_code == 403
        session = busy.sessions.first()
        assert client.get(reverse("learning:session_qr", args=[session.pk])).status_code == 403
        assert client.get(reverse("learning:attendance", args=[session.pk])).status_code == 403


def test_online_registration_leads_to_the_private_link(client, open_class):
    url = reverse("learning:cohort", args=[open_class.pk])
    data = {"full_name": "สมศรี ทองคำ", "phone": "0811110001", "occupation": "farmer",
            "age_group": "40_59"}  # fmt: skip
    refused = client.post(url, data)
    assert refused.status_code == 400  # no consent
    response = client.post(url, {**data, "consent": "on"})
    assert response.status_code == 302 and "/learning/me/" in response["Location"]
    learner = Learner.objects.get()
    assert learner.consent_text and learner.phone == "0811110001"
    me = client.get(response["Location"])
    assert me.status_code == 200 and "สมศรี ทองคำ" in me.content.decode()
    assert me["Cache-Control"] == "private, no-store"
    enrolment = Enrolment.objects.get()
    client.post(response["Location"].split("?")[0], {"withdraw": enrolment.pk})
    assert Enrolment.objects.get().status == "withdrawn"
    erased = client.post(response["Location"].split("?")[0], {"erase": "1"})
    assert erased.status_code == 302
    assert Learner.objects.get().is_erased
    assert client.get(response["Location"]).status_code == 404


def test_check_in_by_qr_without_javascript_and_the_cookie_remembers(
    client, open_class, rmutl_trainer
):
    enrolment, _ = register(open_class, name="สมศรี ทองคำ", phone="0811110001")
    session = open_class.sessions.first()
    client.force_login(rmutl_trainer)
    screen = client.get(reverse("learning:session_qr", args=[session.pk])).content.decode()
    token = re.search(r"/learning/c/([0-9a-f-]+)/", screen).group(1)
    short = re.search(r'data-test="short-code"[^>]*>(\d{6})<', screen).group(1)
    assert "<svg" in screen and 'http-equiv="refresh"' in screen
    client.logout()
    url = reverse("learning:checkin", args=[token])
    assert client.get(url).status_code == 200
    response = client.post(url, {"who": "0811110001"})
    assert response.status_code == 200 and 'data-test="checked-in"' in response.content.decode()
    assert Attendance.objects.get(enrolment=enrolment).method == "qr"
    Attendance.objects.all().delete()
    # the same phone again: remembered, no typing
    page = client.get(url).content.decode()
    assert "สมศรี ทองคำ" in page and 'name="who"' not in page
    again = client.post(url, {})
    assert again.status_code == 200, re.findall(r"<li>(.*?)</li>", again.content.decode())
    assert Attendance.objects.filter(enrolment=enrolment).exists()
    # the short code on another phone, while the session is on (it finds the session by time)
    Attendance.objects.all().delete()
    now = timezone.now()
    type(session).objects.filter(pk=session.pk).update(
        starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=2)
    )
    client.cookies.clear()
    response = client.post(reverse("learning:checkin_code"), {"code": short, "who": "สมศรี ทองคำ"})
    assert response.status_code == 200, response.content.decode()
    assert Attendance.objects.get(enrolment=enrolment).method == "short_code"


def test_an_old_qr_is_refused(client, open_class, settings):
    register(open_class, phone="0811110001")
    session = open_class.sessions.first()
    old = actions.codes_for(session, timezone.now() - dt.timedelta(minutes=5)).token
    response = client.post(reverse("learning:checkin", args=[old]), {"who": "0811110001"})
    assert response.status_code == 410
    assert not Attendance.objects.exists()


def test_the_trainer_marks_everyone_in_one_form(client, open_class, rmutl_trainer):
    one, _ = register(open_class, name="หนึ่ง")
    two, _ = register(open_class, name="สอง")
    session = open_class.sessions.first()
    client.force_login(rmutl_trainer)
    url = reverse("learning:attendance", args=[session.pk])
    response = client.post(url, {f"e{one.pk}": "present", f"e{two.pk}": "absent"})
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("enrolment_id", "status")) == {
        one.pk: "present", two.pk: "absent",
    }  # fmt: skip


def test_a_trainer_creates_a_class_at_the_point_on_the_page(
    client, course, khlong_mem_point, rmutl_trainer
):
    client.force_login(rmutl_trainer)
    url = reverse("learning:cohort_new") + "?point=NP-65060209"
    assert client.get(url).status_code == 200
    day = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(url, {
        "point": "NP-65060209", "course": course.pk, "capacity": 15, "open_now": "on",
        "date_0": day, "start_0": "09:00", "end_0": "12:00",
        "date_1": day, "start_1": "13:00", "end_1": "15:00",
    })  # fmt: skip
    assert response.status_code == 302
    cohort = khlong_mem_point.cohorts.get()
    assert cohort.status == "open" and cohort.sessions.count() == 2 and cohort.capacity == 15


def test_the_icalendar_feeds_parse_back(client, busy, open_class):
    for url in (
        reverse("learning:centre_ics", args=["rmutl-ict"]),
        reverse("learning:province_ics", args=["65"]),
        reverse("learning:point_ics", args=["NP-65060209"]),
    ):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
        body = response.content.decode()
        assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
        cal = icalendar.Calendar.from_ical(response.content)
        events = list(cal.walk("VEVENT"))
        assert events and all(e.get("UID") and e.get("DTSTAMP") for e in events)
    point = icalendar.Calendar.from_ical(
        client.get(reverse("learning:point_ics", args=["NP-65060209"])).content
    )
    titles = {str(e.get("SUMMARY")): e for e in point.walk("VEVENT")}
    meeting = titles["ประชุมกลุ่มน้ำพริก"]
    assert meeting.get("RRULE")["FREQ"] == ["WEEKLY"]
    assert any("ขายสินค้าชุมชนออนไลน์" in t for t in titles)


def test_the_centre_import_page(
    client, phitsanulok_officer, chiangmai_officer, rmutl_trainer, geography
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pracharat.geo.models import Village

    Village.objects.get_or_create(
        code="65060209", defaults={"subdistrict_id": "650602", "moo": 9, "name_th": "บ้านคลองเมม"}
    )
    csv = ("slug,name_th,village_code,kind,computers\n"
           "khlong-mem-dc,ศูนย์ดิจิทัลชุมชนบ้านคลองเมม,65060209,digital_centre,5\n").encode()  # fmt: skip
    client.force_login(rmutl_trainer)
    assert client.get(reverse("learning:import")).status_code == 403
    client.force_login(chiangmai_officer)
    refused = client.post(
        reverse("learning:import"), {"file": SimpleUploadedFile("c.csv", csv), "import": "1"}
    )
    assert refused.status_code == 400 and not Centre.objects.exists()
    client.force_login(phitsanulok_officer)
    done = client.post(
        reverse("learning:import"), {"file": SimpleUploadedFile("c.csv", csv), "import": "1"}
    )
    assert done.status_code == 200, done.content.decode()[:2000]
    centre = Centre.objects.get(slug="khlong-mem-dc")
    assert centre.area_code == "65060209" and centre.computers == 5
    again = client.post(
        reverse("learning:import"), {"file": SimpleUploadedFile("c.csv", csv), "import": "1"}
    )
    assert again.status_code == 200 and Centre.objects.count() == 1
    assert client.get(reverse("learning:import_template", args=["csv"])).status_code == 200


def test_booking_pages(client, khlong_mem_point, post_officer, phitsanulok_officer):
    client.force_login(post_officer)
    url = reverse("learning:booking_new") + "?point=NP-65060209"
    day = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(url, {"point": "NP-65060209", "title": "อบรมไปรษณีย์", "kind": "training",
                                 "date": day, "start": "10:00", "end": "12:00"})  # fmt: skip
    assert response.status_code == 302
    client.force_login(phitsanulok_officer)
    mine = client.get(reverse("learning:mine")).content.decode()
    assert "อบรมไปรษณีย์" in mine
    event = khlong_mem_point.venue_events.get()
    client.post(reverse("learning:booking_action", args=[event.pk, "confirm"]))
    event.refresh_from_db()
    assert event.status == "confirmed"
