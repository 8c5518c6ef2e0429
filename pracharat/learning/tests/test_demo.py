from pracharat.learning.models import (
    AgeGroup,
    Attendance,
    Centre,
    Cohort,
    Learner,
    Occupation,
    VenueEvent,
)


def test_the_demo_loads_twice_and_covers_every_occupation_and_age_group(geography):
    from pracharat.accounts import demo as accounts_demo
    from pracharat.geo import demo as geo_demo
    from pracharat.learning import demo
    from pracharat.network import demo as network_demo

    geo_demo.load()
    accounts_demo.load()
    network_demo.khlong_mem_point()
    demo.load()
    counts = (Centre.objects.count(), Cohort.objects.count(), Learner.objects.count())
    demo.load()
    assert (Centre.objects.count(), Cohort.objects.count(), Learner.objects.count()) == counts
    assert set(Learner.objects.values_list("occupation", flat=True)) == set(Occupation.values)
    assert set(Learner.objects.values_list("age_group", flat=True)) == set(AgeGroup.values)
    assert Attendance.objects.exists()
    # the same person in two classes is one learner
    assert Learner.objects.filter(full_name="สมศรี ทองคำ").count() == 1
    statuses = set(Cohort.objects.values_list("status", flat=True))
    assert {"completed", "in_progress", "open"} <= statuses
    assert Cohort.objects.filter(service_point__code="NP-65060209").count() == 2
    meeting = VenueEvent.objects.get(weekly=True)
    assert meeting.status == "confirmed" and meeting.service_point.code == "NP-65060209"
    assert VenueEvent.objects.filter(status="requested").count() == 1


def test_the_demo_issues_certificates_once(geography):
    from pracharat.accounts import demo as accounts_demo
    from pracharat.geo import demo as geo_demo
    from pracharat.learning import demo
    from pracharat.learning.models import Certificate
    from pracharat.network import demo as network_demo

    geo_demo.load()
    accounts_demo.load()
    network_demo.khlong_mem_point()
    demo.load()
    issued = Certificate.objects.count()
    assert issued >= 2
    assert all(c.credential and c.holder_name for c in Certificate.objects.all())
    demo.load()
    assert Certificate.objects.count() == issued
