"""/healthz, /readyz and /metrics as a load balancer and Prometheus see them."""

from __future__ import annotations

import pytest
from django.test import Client

from pracharat.core.heartbeat import Beat
from pracharat.core.models import ProcessBeat

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_readyz_is_ready_when_database_cache_queue_and_listeners_answer(client, settings):
    settings.READY_MIN_LISTENERS = 1
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["ready"] is False
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    assert body["checks"]["listeners"].startswith("failed: RuntimeError: 0 RADIUS listeners")

    beat = Beat("radius", stats=lambda: {"received": 3})
    beat.beat()
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["listeners"] == "ok (1 beating)"


def test_a_stale_listener_is_not_counted(client, settings):
    settings.READY_MIN_LISTENERS = 1
    Beat("radius").beat()
    assert client.get("/readyz").status_code == 200  # ready while it beats: nothing else fails
    settings.HEARTBEAT_STALE_SECONDS = 1
    ProcessBeat.objects.update(beat_at="2020-01-01T00:00:00Z")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["listeners"].startswith("failed: RuntimeError: 0 RADIUS")


def test_readyz_reports_a_queue_that_does_not_answer(client, settings):
    settings.READY_MIN_LISTENERS = 0
    settings.TASKS_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"].startswith("failed: ConnectionError")


def test_rows_of_processes_gone_for_a_day_are_forgotten_by_the_periodic_job(settings):
    from pracharat.core.heartbeat import forget_stale

    assert settings.PERIODIC_JOBS["core.heartbeat_forget"][0] == (
        "pracharat.core.heartbeat.forget_stale"
    )
    gone, recent = Beat("radius"), Beat("worker")
    gone.beat()
    recent.beat()
    ProcessBeat.objects.filter(process=gone.process).update(beat_at="2020-01-01T00:00:00Z")
    assert forget_stale() == 1
    assert list(ProcessBeat.objects.values_list("process", flat=True)) == [recent.process]


@pytest.mark.django_db(transaction=True)  # the first beat is written from a thread of its own
def test_a_beat_stopped_cleanly_removes_its_row(settings):
    settings.HEARTBEAT_SECONDS = 60
    beat = Beat("worker")
    beat.start()
    assert ProcessBeat.objects.filter(kind="worker").count() == 1
    beat.stop()
    assert not ProcessBeat.objects.filter(kind="worker").exists()


@pytest.mark.django_db(transaction=True)
def test_a_beat_started_inside_an_event_loop_is_written_at_once(settings):
    """The RADIUS listener starts its beat from its asyncio loop, where Django refuses
    synchronous queries: the first beat must be written all the same (CI's topology run saw
    "heartbeat not written" with a SynchronousOnlyOperation)."""
    import asyncio
    import threading

    settings.HEARTBEAT_SECONDS = 60
    beat = Beat("radius")

    async def listener():
        beat.start()

    # in a thread of its own: an earlier test (Playwright's sync API) may leave a loop running here
    runner = threading.Thread(target=asyncio.run, args=(listener(),))
    runner.start()
    runner.join(30)
    try:
        assert ProcessBeat.objects.filter(process=beat.process).count() == 1
    finally:
        beat.stop()


def test_metrics_are_hidden_from_strangers_and_shown_with_the_token(settings):
    settings.METRICS_TOKEN = "s3cret-token"
    settings.METRICS_ALLOWED_NETWORKS = ["10.9.0.0/16"]
    stranger = Client(REMOTE_ADDR="192.0.2.7")
    assert stranger.get("/metrics").status_code == 404
    assert stranger.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    inside = Client(REMOTE_ADDR="10.9.3.4")
    assert inside.get("/metrics").status_code == 200
    assert stranger.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 200


def test_metrics_tell_requests_listener_counters_and_queue(client, settings):
    settings.READY_MIN_LISTENERS = 0
    client.get("/geo/")
    Beat(
        "radius",
        stats=lambda: {
            "received": 120,
            "answered": 100,
            "malformed": 2,
            "unknown_nas": 3,
            "bad_authenticator": 1,
            "overloaded": 4,
            "received_per_second": 12.5,
        },
    ).beat()
    response = client.get("/metrics")  # the test client comes from 127.0.0.1
    assert response.status_code == 200
    text = response.content.decode()
    assert 'pracharat_http_requests_total{method="GET",status="2xx",view="geo:country"}' in text
    assert "pracharat_radius_listeners_up 1.0" in text
    assert 'outcome="answered"} 100.0' in text
    assert "pracharat_radius_invalid_packets_total{" in text
    invalid = [line for line in text.splitlines() if line.startswith("pracharat_radius_invalid")]
    assert invalid[0].endswith(" 6.0")
    dropped = [line for line in text.splitlines() if line.startswith("pracharat_radius_dropped")]
    assert dropped[0].endswith(" 4.0")
    assert "pracharat_radius_received_per_second{" in text
    assert 'pracharat_queue_depth{queue="default"}' in text
    assert 'pracharat_job_failures{queue="default"}' in text
    assert 'pracharat_processes_up{kind="radius"} 1.0' in text
