"""The periodic job: reminders before the due date, escalation once overdue, each once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.module_loading import import_string

from pracharat.oversight import actions, notifications
from pracharat.oversight.models import ActionEvent, FollowUpAction
from pracharat.oversight.tests.conftest import due_in

pytestmark = pytest.mark.django_db


def test_the_job_is_on_the_schedule(settings):
    path, seconds = settings.PERIODIC_JOBS["oversight.action_followup"]
    assert path == "pracharat.oversight.notifications.follow_up_actions" and seconds > 0
    assert import_string(path) is notifications.follow_up_actions


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run_job(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return notifications.follow_up_actions(**kwargs)

    return run_job


def test_reminder_then_escalation_each_once(
    action, post_officer, phitsanulok_officer, inspector, settings, run
):
    settings.OVERSIGHT_REMINDER_DAYS = 7
    FollowUpAction.objects.filter(pk=action.pk).update(due_date=due_in(3))
    mail.outbox.clear()
    assert run() == {"reminder": 1, "overdue": 0}
    assert {m.to[0] for m in mail.outbox} == {post_officer.email}
    assert run() == {"reminder": 0, "overdue": 0}
    assert len(mail.outbox) == 1

    FollowUpAction.objects.filter(pk=action.pk).update(due_date=due_in(-2))
    mail.outbox.clear()
    assert run() == {"reminder": 0, "overdue": 1}
    to = {m.to[0] for m in mail.outbox}
    assert to == {post_officer.email, phitsanulok_officer.email, inspector.email}
    assert all("OVERDUE" in m.subject or "เกินกำหนด" in m.subject for m in mail.outbox)
    assert run() == {"reminder": 0, "overdue": 0}
    kinds = list(ActionEvent.objects.filter(action=action).values_list("kind", flat=True))
    assert kinds == ["created", "reminded", "escalated"]


def test_done_actions_are_neither_reminded_nor_escalated(action, post_officer, run):
    FollowUpAction.objects.filter(pk=action.pk).update(due_date=due_in(-2))
    action.refresh_from_db()
    actions.move_action(post_officer, action, "finish")
    mail.outbox.clear()
    assert run() == {"reminder": 0, "overdue": 0}
    assert not mail.outbox


def test_far_actions_wait(action, settings, run):
    settings.OVERSIGHT_REMINDER_DAYS = 7
    FollowUpAction.objects.filter(pk=action.pk).update(due_date=due_in(8))
    assert run() == {"reminder": 0, "overdue": 0}


def test_a_new_due_date_starts_the_stages_again(action, post_officer, run):
    FollowUpAction.objects.filter(pk=action.pk).update(due_date=due_in(-1))
    assert run()["overdue"] == 1
    FollowUpAction.objects.filter(pk=action.pk).update(due_date=due_in(-3))
    assert run(now=timezone.now() + dt.timedelta(hours=1))["overdue"] == 1
