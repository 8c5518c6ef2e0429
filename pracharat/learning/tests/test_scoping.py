"""Who sees a learner: the class's trainer, the centre's staff, the province's officers."""

import pytest
from django.contrib.auth.models import AnonymousUser

from pracharat import testing
from pracharat.learning import actions
from pracharat.learning.models import Attendance, Cohort, Enrolment, Learner
from pracharat.learning.tests.conftest import later, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_centres(open_class, school_centre, course, school_trainer):
    mine, _ = register(open_class, name="ผู้เรียน มทร.")
    school_class = actions.create_cohort(
        school_trainer, course=course, venue=school_centre, sessions=[later(3)], open_now=True
    )
    theirs, _ = register(school_class, name="ผู้เรียน โรงเรียน")
    return mine.learner, theirs.learner


def names(user):
    return set(Learner.objects.visible_to(user).values_list("full_name", flat=True))


def test_a_centres_staff_see_only_their_centres_learners(
    two_centres, rmutl_trainer, school_trainer
):
    assert names(rmutl_trainer) == {"ผู้เรียน มทร."}
    assert names(school_trainer) == {"ผู้เรียน โรงเรียน"}


def test_the_provinces_officers_see_both_another_province_none(
    two_centres, phitsanulok_officer, chiangmai_officer, inspector, volunteer, nt_officer
):
    assert names(phitsanulok_officer) == {"ผู้เรียน มทร.", "ผู้เรียน โรงเรียน"}
    for user in (chiangmai_officer, inspector, volunteer, nt_officer, AnonymousUser()):
        assert names(user) == set(), user
        assert not Enrolment.objects.visible_to(user).exists()
        assert not Attendance.objects.visible_to(user).exists()


def test_the_trainer_of_a_class_sees_its_learners_wherever_it_is(
    course, khlong_mem_point, geography
):
    volunteer_trainer = testing.person("teacher@example.org", "volunteer", "65060209")
    cohort = actions.create_cohort(
        None, course=course, venue=khlong_mem_point, sessions=[later(1)],
        trainer=volunteer_trainer, open_now=True,
    )  # fmt: skip
    register(cohort, name="ชาวบ้าน")
    assert names(volunteer_trainer) == {"ชาวบ้าน"}
    assert actions.may_manage(volunteer_trainer, cohort)


def test_an_organising_agencys_trainers_see_its_class_at_a_point(
    course, khlong_mem_point, school_trainer, rmutl_trainer
):
    school = school_trainer.memberships.get().agency
    cohort = actions.create_cohort(
        rmutl_trainer, course=course, venue=khlong_mem_point, sessions=[later(1)],
        organiser=school, open_now=True,
    )  # fmt: skip
    register(cohort, name="ชาวบ้าน")
    assert "ชาวบ้าน" in names(school_trainer)
    assert Cohort.objects.with_learners_for(school_trainer).filter(pk=cohort.pk).exists()
