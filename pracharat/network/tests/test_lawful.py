"""Lawful requests: a dedicated role searches sessions by User-Name or MAC through the
pseudonym key over a window; every search is in the audit log, never the identifier."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.utils import timezone

from pracharat.core.errors import Invalid, NotAllowed
from pracharat.network import lawful
from pracharat.network.models import AccountingSession
from pracharat.network.privacy import pseudonym

pytestmark = pytest.mark.django_db

MAC = "AA:BB:CC:00:11:22"


def grant(user):
    group, _ = Group.objects.get_or_create(name="lawful requests")
    group.permissions.add(Permission.objects.get(codename=lawful.CODENAME))
    user.groups.add(group)
    return user


def session(point, key, started, *, user="somchai", mac=MAC, hours=1):
    ended = started + timedelta(hours=hours)
    return AccountingSession.objects.create(
        session_key=key, acct_session_id=f"acct-{key}", service_point=point,
        area_code=point.area_code, user_hash=pseudonym(user), calling_station_hash=pseudonym(mac),
        started_at=started, updated_at=ended, stopped_at=ended, ended_at=ended,
        output_octets=1000, session_time=hours * 3600, status="closed",
    )  # fmt: skip


@pytest.fixture
def sessions(khlong_mem_point):
    now = timezone.now().replace(microsecond=0)
    p = khlong_mem_point
    return {
        "inside": session(p, "inside", now - timedelta(days=3)),
        "overlapping": session(p, "overlapping", now - timedelta(days=10, hours=1), hours=2),
        "outside": session(p, "outside", now - timedelta(days=30)),
        "someone else": session(
            p, "other", now - timedelta(days=3), user="malee", mac="11-22-33-44-55-66"
        ),
        "now": now,
    }  # fmt: skip


def window(sessions, days=10):
    return sessions["now"] - timedelta(days=days), sessions["now"]


def test_the_role_finds_a_user_name_and_a_mac_however_it_is_spelt(inspector, sessions):
    grant(inspector)
    start, end = window(sessions)
    by_name = lawful.search(
        actor=inspector, reference="ตร. 0001/2569", kind="user_name", value="somchai",
        start=start, end=end,
    )  # fmt: skip
    assert [s.session_key for s in by_name.sessions] == ["inside", "overlapping"]
    by_mac = lawful.search(
        actor=inspector, reference="ตร. 0002/2569", kind="mac", value="aa-bb-cc-00-11-22",
        start=start, end=end,
    )  # fmt: skip
    assert [s.session_key for s in by_mac.sessions] == ["inside", "overlapping"]


def test_every_search_is_audited_with_the_pseudonym_never_the_identifier(inspector, sessions):
    grant(inspector)
    start, end = window(sessions)
    lawful.search(actor=inspector, reference="ศาล 77/2569", kind="user_name", value="nobody",
                  start=start, end=end)  # fmt: skip
    lawful.search(actor=inspector, reference="ศาล 78/2569", kind="mac", value=MAC,
                  start=start, end=end)  # fmt: skip
    entries = list(lawful.searches())
    assert len(entries) == 2
    newest = entries[0]
    assert newest.actor == inspector and newest.action == LogEntry.Action.ACCESS
    assert newest.changes_dict["reference"][1] == "ศาล 78/2569"
    assert newest.changes_dict["pseudonym"][1] == pseudonym(MAC)
    assert newest.changes_dict["sessions_found"][1] == "2"
    assert entries[1].changes_dict["sessions_found"][1] == "0"  # a search finding nothing too
    everything = " ".join(str(e.changes) + e.object_repr for e in LogEntry.objects.all())
    assert "somchai" not in everything and "nobody" not in everything
    assert "AA:BB:CC" not in everything.upper().replace("-", ":")


def test_nobody_else_may_search_not_even_a_superuser(inspector, phitsanulok_officer, sessions):
    inspector.is_superuser = True
    inspector.save()
    start, end = window(sessions)
    for user in (inspector, phitsanulok_officer, None):
        with pytest.raises(NotAllowed):
            lawful.search(actor=user, reference="x", kind="mac", value=MAC, start=start, end=end)
    assert not lawful.searches().exists()


def test_a_search_needs_a_reference_a_valid_mac_and_a_window_within_retention(
    inspector, sessions, settings
):
    grant(inspector)
    start, end = window(sessions)
    with pytest.raises(Invalid) as refused:
        lawful.search(actor=inspector, reference=" ", kind="mac", value="not-a-mac",
                      start=end, end=start)  # fmt: skip
    assert set(refused.value.fields) == {"reference", "value", "end"}
    settings.ACCOUNTING_RETENTION_DAYS = 90
    with pytest.raises(Invalid) as refused:
        lawful.search(actor=inspector, reference="r", kind="user_name", value="somchai",
                      start=end - timedelta(days=200), end=end)  # fmt: skip
    assert set(refused.value.fields) == {"end"}
    assert not lawful.searches().exists()


def test_the_page_is_for_the_role_and_posts_the_search(client, inspector, phitsanulok_officer,
                                                       sessions):  # fmt: skip
    client.force_login(phitsanulok_officer)
    assert client.get("/network/lawful/").status_code == 403
    client.force_login(grant(inspector))
    page = client.get("/network/lawful/")
    assert page.status_code == 200 and "คำขอตามกฎหมาย: ค้นหาเซสชัน" in page.content.decode()
    start, end = window(sessions)
    response = client.post(
        "/network/lawful/",
        {"reference": "ตร. 9/2569", "kind": "user_name", "value": "somchai",
         "start": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"),
         "end": timezone.localtime(end).strftime("%Y-%m-%dT%H:%M")},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "acct-inside" in html and "acct-overlapping" in html and "acct-other" not in html
    assert "ตร. 9/2569" in html  # the recent searches list
    assert lawful.searches().count() == 1


def test_the_command_writes_csv_and_is_audited(inspector, sessions, capsys):
    start, end = window(sessions)
    argv = ["lawful_search", "--actor", inspector.email, "--reference", "cmd 1",
            "--mac", MAC, "--start", start.isoformat(), "--end", end.isoformat()]  # fmt: skip
    with pytest.raises(CommandError):
        call_command(*argv)  # not yet holding the role
    grant(inspector)
    call_command(*argv)
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][0] == "started_at" and [r[4] for r in rows[1:]] == [
        "acct-inside",
        "acct-overlapping",
    ]
    assert lawful.searches().get().actor == inspector
