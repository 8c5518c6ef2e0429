"""The registry and the activity log: who may write what, and what a write leaves behind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from PIL import Image

from pracharat import testing
from pracharat.accounts.models import Membership, Role
from pracharat.core.errors import Invalid, NotAllowed
from pracharat.core.lib import images
from pracharat.network.models import Incident
from pracharat.volunteers import actions
from pracharat.volunteers.models import Volunteer, VolunteerActivity

pytestmark = pytest.mark.django_db


def _input(village, **extra):
    return actions.ActivityInput(
        kind=extra.pop("kind", "helped_at_point"), village=village, **extra
    )


def _memberships(user):
    return sorted(
        Membership.objects.filter(user=user, role=Role.VOLUNTEER).values_list(
            "area_code", flat=True
        )
    )


def test_the_provinces_officer_registers_a_volunteer_and_the_memberships_follow(
    phitsanulok_officer, ban_khlong_mem, other_village
):
    data = actions.VolunteerInput(
        villages=[ban_khlong_mem, other_village], skills=["smartphone", "internet_basics"]
    )
    volunteer = actions.register_person(
        phitsanulok_officer, full_name="มานี มีใจ", phone="081-555-1234", email="", data=data
    )
    assert volunteer.user.phone == "0815551234" and not volunteer.user.has_usable_password()
    assert volunteer.skills == ["internet_basics", "smartphone"]  # the list's order
    assert _memberships(volunteer.user) == ["65060201", "65060209"]
    assert volunteer.area_code == "65060209"
    # Dropping a village drops its membership; deactivating drops them all, villages stay.
    actions.update_volunteer(
        phitsanulok_officer, volunteer, actions.VolunteerInput(villages=[ban_khlong_mem])
    )
    assert _memberships(volunteer.user) == ["65060209"]
    actions.set_status(phitsanulok_officer, volunteer, "deactivate")
    assert _memberships(volunteer.user) == [] and volunteer.postings.count() == 1
    actions.set_status(phitsanulok_officer, volunteer, "reactivate")
    assert _memberships(volunteer.user) == ["65060209"]


def test_another_provinces_officer_may_not_register_or_manage(
    chiangmai_officer, volunteer, ban_khlong_mem, volunteer_record
):
    with pytest.raises(NotAllowed):
        actions.register_volunteer(
            chiangmai_officer, testing.buyer(), actions.VolunteerInput(villages=[ban_khlong_mem])
        )
    with pytest.raises(NotAllowed):
        actions.set_status(chiangmai_officer, volunteer_record, "deactivate")
    with pytest.raises(NotAllowed):
        actions.update_volunteer(
            chiangmai_officer, volunteer_record, actions.VolunteerInput(villages=[ban_khlong_mem])
        )
    with pytest.raises(NotAllowed):  # nor may the volunteer manage their own entry
        actions.set_status(volunteer, volunteer_record, "deactivate")
    assert Volunteer.objects.get(pk=volunteer_record.pk).status == "active"


def test_a_volunteer_is_registered_once(
    phitsanulok_officer, volunteer, volunteer_record, ban_khlong_mem
):
    with pytest.raises(Invalid):
        actions.register_volunteer(
            phitsanulok_officer, volunteer, actions.VolunteerInput(villages=[ban_khlong_mem])
        )


def test_a_volunteer_records_and_edits_only_their_own(
    volunteer, volunteer_record, other_volunteer, ban_khlong_mem, phitsanulok_officer
):
    activity = actions.record_activity(volunteer, _input(ban_khlong_mem, people_helped=4, note="x"))
    assert activity.volunteer == volunteer_record and activity.area_code == "65060209"
    changed = _input(ban_khlong_mem, kind="community", people_helped=9)
    for stranger in (other_volunteer.user, phitsanulok_officer):  # not even the area's officer
        with pytest.raises(NotAllowed):
            actions.update_activity(stranger, activity, changed)
        with pytest.raises(NotAllowed):
            actions.delete_activity(stranger, activity)
    assert VolunteerActivity.objects.get(pk=activity.pk).people_helped == 4
    actions.update_activity(volunteer, activity, changed)
    assert VolunteerActivity.objects.get(pk=activity.pk).kind == "community"
    actions.delete_activity(volunteer, activity)
    assert not VolunteerActivity.objects.exists()


def test_an_activity_stays_in_the_volunteers_own_villages(
    volunteer, volunteer_record, other_village, ban_khlong_mem, other_point, khlong_mem_point
):
    with pytest.raises(Invalid) as refused:
        actions.record_activity(volunteer, _input(other_village))
    assert refused.value.fields == {"village": str(refused.value)}
    with pytest.raises(Invalid):  # another village's point
        actions.record_activity(volunteer, _input(ban_khlong_mem, service_point=other_point))
    with pytest.raises(Invalid):
        actions.record_activity(volunteer, _input(ban_khlong_mem, people_helped=-1))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(Invalid):
        actions.record_activity(volunteer, _input(ban_khlong_mem, date=tomorrow))
    assert not VolunteerActivity.objects.exists()


def test_a_reported_fault_links_the_villages_incident_only(
    volunteer, volunteer_record, ban_khlong_mem, reported, other_point
):
    theirs = Incident.objects.create(
        service_point=other_point,
        area_code=other_point.area_code,
        source="manual",
        summary="down",
        sla_due=timezone.now(),
    )
    with pytest.raises(Invalid):
        actions.record_activity(
            volunteer, _input(ban_khlong_mem, kind="reported_fault", incident=theirs)
        )
    with pytest.raises(Invalid):  # an incident goes with a reported fault
        actions.record_activity(volunteer, _input(ban_khlong_mem, incident=reported.incident))
    ok = actions.record_activity(
        volunteer, _input(ban_khlong_mem, kind="reported_fault", incident=reported.incident)
    )
    assert ok.incident == reported.incident


def test_an_inactive_volunteer_or_a_non_volunteer_records_nothing(
    volunteer, volunteer_record, ban_khlong_mem, phitsanulok_officer, buyer
):
    with pytest.raises(NotAllowed):
        actions.record_activity(buyer, _input(ban_khlong_mem))
    actions.set_status(phitsanulok_officer, volunteer_record, "deactivate")
    with pytest.raises(NotAllowed):
        actions.record_activity(volunteer, _input(ban_khlong_mem))


def test_the_photo_is_private_and_without_metadata(
    volunteer, volunteer_record, ban_khlong_mem, uploads, django_capture_on_commit_callbacks
):
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"  # Make
    picture = images.load(testing.picture_bytes(exif=exif.tobytes()), max_side=1600)
    activity = actions.record_activity(volunteer, _input(ban_khlong_mem, photo=picture))
    stored = list((uploads / "private").rglob("*.jpg"))
    assert [p.relative_to(uploads / "private").as_posix() for p in stored] == [activity.photo.name]
    assert not list((uploads / "media").rglob("*.*"))
    assert b"Phone maker" not in stored[0].read_bytes()
    # Replacing it removes the old file once committed; removing it leaves none.
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_activity(
            volunteer,
            activity,
            _input(ban_khlong_mem, photo=images.load(testing.picture_bytes(), max_side=99)),
        )
    assert len(list((uploads / "private").rglob("*.jpg"))) == 1
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_activity(volunteer, activity, _input(ban_khlong_mem, remove_photo=True))
    assert not list((uploads / "private").rglob("*.jpg"))


def test_erasing_the_person_keeps_the_counts(
    volunteer, volunteer_record, ban_khlong_mem, uploads, django_capture_on_commit_callbacks
):
    from pracharat.core.personal_data import erase_person

    picture = images.load(testing.picture_bytes(), max_side=300)
    actions.record_activity(
        volunteer, _input(ban_khlong_mem, people_helped=6, note="นางสมศรี", photo=picture)
    )
    with django_capture_on_commit_callbacks(execute=True):
        counts = erase_person(email=volunteer.email)
    assert counts["volunteers"] == 1 and counts["volunteer activities"] == 1
    activity = VolunteerActivity.objects.get()
    assert activity.note == "" and not activity.photo and activity.people_helped == 6
    assert not list((uploads / "private").rglob("*.jpg"))
    assert Volunteer.objects.get().status == "inactive" and _memberships(volunteer) == []
