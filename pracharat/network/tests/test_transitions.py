"""core.transitions on the incidents' machine: the table, the right, the history."""

from __future__ import annotations

import pytest

from pracharat.core.errors import Conflict, NotAllowed
from pracharat.core.transitions import Machine, targets
from pracharat.network import actions
from pracharat.network.models import (
    INCIDENT_TRANSITIONS,
    Incident,
    IncidentEvent,
    IncidentStatus,
)


@pytest.fixture
def incident(khlong_mem_point):
    report = actions.submit_fault_report(
        khlong_mem_point, actions.ReportInput(problem="no_signal"), ip_address="203.0.113.5"
    )
    return report.incident


def test_a_move_saves_the_status_and_writes_one_history_row(incident, nt_officer):
    actions.INCIDENTS.transition(incident, "acknowledge", by=nt_officer, note="ไปดูแล้ว")
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.ACKNOWLEDGED
    step = IncidentEvent.objects.filter(incident=incident).last()
    assert (step.from_status, step.to_status, step.actor, step.note) == (
        "open", "acknowledged", nt_officer, "ไปดูแล้ว",
    )  # fmt: skip


def test_a_move_the_table_refuses_changes_nothing(incident, nt_officer):
    actions.INCIDENTS.transition(incident, "resolve", by=nt_officer, note="done")
    events = IncidentEvent.objects.count()
    with pytest.raises(Conflict):
        actions.INCIDENTS.transition(incident, "acknowledge", by=nt_officer)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED and IncidentEvent.objects.count() == events


def test_the_right_is_checked_before_anything(incident, volunteer):
    with pytest.raises(NotAllowed):
        actions.INCIDENTS.transition(incident, "resolve", by=volunteer, note="x")
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.OPEN
    # by=None is the platform itself (the outage monitor): no person's right applies.
    actions.INCIDENTS.transition(incident, "resolve", note="traffic back")
    assert Incident.objects.get(pk=incident.pk).status == IncidentStatus.RESOLVED


def test_a_machine_refuses_rights_for_actions_its_table_lacks():
    with pytest.raises(ValueError, match="reopen"):
        Machine(
            model=Incident,
            table=INCIDENT_TRANSITIONS,
            record=lambda step: None,
            rights={"reopen": lambda user, obj: True},
        )


def test_targets_lists_what_each_status_may_become():
    assert targets(INCIDENT_TRANSITIONS)["open"] == {"acknowledged", "resolved"}
    assert targets(INCIDENT_TRANSITIONS)["resolved"] == set()
