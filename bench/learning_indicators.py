"""Learning indicators at national size: 2,222 centres and a year of classes.

``python -m bench learning_indicators [DATABASE_URL] [--centres N] [--classes C]
[--learners L] [--repeat R] [--reuse VAR_DIR]`` (``--reuse``: measure again on a database
an earlier run built: its scratch directory for SQLite, the same DATABASE_URL for PostgreSQL)
builds a scratch database (SQLite by default) with N
community digital centres, each in its own simulated village with a service point
(``network.simulate.create_points``), C classes per centre over the current fiscal year (every
class three sessions a week apart), L learners enrolled per class (a fifth of them came to an
earlier class of the same centre: unique learners are fewer than enrolments), attendance for
every enrolment and session (present / late / excused / absent in a fixed pattern), a
certificate for each who completed, and 30 Wi-Fi sessions per point around the classes. All
of it is written with ``bulk_create``.

It then requests the indicator page for the country, a province, a district, a sub-district
and a village, and the API, R times each, one request at a time through Django's test
client (server time: queries + rendering, no network), and prints the query count, body size
and p50/p95/max. The figures are in docs/benchmarks.md ("Learning indicators").
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from bench import _django

OCCUPATIONS = ["farmer", "student", "youth", "elder", "merchant", "other"]
AGES = ["under_18", "18_24", "25_39", "40_59", "60_plus"]
MARKS = ["present", "present", "late", "present", "excused", "absent", "present"]


def _arg(argv: list[str], name: str, default: int) -> int:
    if name in argv:
        return int(argv[argv.index(name) + 1])
    return default


def build(centres: int, classes: int, learners_per_class: int) -> dict:
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone

    from pracharat.accounts.models import Agency, AgencyKind
    from pracharat.core.lib import thaidate
    from pracharat.geo.actions import load_geography
    from pracharat.learning.models import (
        Attendance,
        Centre,
        Certificate,
        ClassSession,
        Cohort,
        Course,
        Enrolment,
        Learner,
    )
    from pracharat.network import simulate
    from pracharat.network.models import AccountingSession

    figures: dict = {}
    started = time.perf_counter()
    load_geography()
    points = simulate.create_points(None, centres, seed=9)[:centres]
    figures["geography_and_points"] = time.perf_counter() - started

    started = time.perf_counter()
    host, _ = Agency.objects.get_or_create(
        slug="bench-university",
        defaults={"name_th": "มหาวิทยาลัยทดสอบ", "kind": AgencyKind.UNIVERSITY},
    )
    topics = ["internet_basics", "online_selling", "digital_safety", "e_government"]
    courses = Course.objects.bulk_create(
        Course(
            slug=f"bench-{t}",
            title_th=f"หลักสูตร {t}",
            topic=t,
            hours=Decimal(9),
            issuer=host,
        )
        for t in topics
    )
    with transaction.atomic():
        Centre.objects.bulk_create(
            (
                Centre(
                    slug=f"c{i}",
                    name_th=f"ศูนย์ดิจิทัลชุมชน {i}",
                    host=host,
                    village_id=p.village_id,
                    area_code=p.area_code,
                    service_point=p,
                )
                for i, p in enumerate(points)
            ),
            batch_size=2000,
        )
    centre_rows = list(Centre.objects.order_by("pk"))
    year = thaidate.fiscal_year_of(timezone.localdate())
    zone = timezone.get_current_timezone()
    span = max(1, (min(year.end, timezone.localdate()) - year.start).days - 20)
    cohorts = []
    for i, centre in enumerate(centre_rows):
        for n in range(classes):
            cohorts.append(
                Cohort(
                    course=courses[n % len(courses)],
                    number=i * classes + n + 1,
                    centre=centre,
                    area_code=centre.area_code,
                    organiser=host,
                    capacity=30,
                    status="completed",
                )
            )
    with transaction.atomic():
        Cohort.objects.bulk_create(cohorts, batch_size=5000)
    cohorts = list(Cohort.objects.order_by("pk").values_list("pk", "centre_id"))
    sessions = []
    first_day = {}
    for k, (pk, _centre) in enumerate(cohorts):
        day = year.start + dt.timedelta(days=(k * 37) % span)
        first_day[pk] = day
        for s in range(3):
            start = dt.datetime.combine(day + dt.timedelta(days=7 * s), dt.time(9), tzinfo=zone)
            sessions.append(
                ClassSession(cohort_id=pk, starts_at=start, ends_at=start + dt.timedelta(hours=3))
            )
    with transaction.atomic():
        ClassSession.objects.bulk_create(sessions, batch_size=5000)
    by_cohort: dict[int, list[int]] = {}
    for pk, cohort_id in ClassSession.objects.order_by("pk").values_list("pk", "cohort_id"):
        by_cohort.setdefault(cohort_id, []).append(pk)
    figures["classes_and_sessions"] = time.perf_counter() - started

    started = time.perf_counter()
    learners = []
    plan = []  # (cohort, learner index)
    per_centre: dict[int, list[int]] = {}
    for pk, centre_id in cohorts:
        earlier = per_centre.setdefault(centre_id, [])
        for j in range(learners_per_class):
            if earlier and j % 5 == 0:
                index = earlier[j % len(earlier)]  # came back for another course
            else:
                index = len(learners)
                learners.append(
                    Learner(
                        full_name=f"ผู้เรียน {index}",
                        occupation=OCCUPATIONS[index % len(OCCUPATIONS)],
                        age_group=AGES[(index // 7) % len(AGES)],
                        area_code=centre_rows[0].area_code,
                        consent_text="bench",
                        consent_version="1",
                    )
                )
                earlier.append(index)
            plan.append((pk, index))
    with transaction.atomic():
        Learner.objects.bulk_create(learners, batch_size=5000)
    learner_ids = list(Learner.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        Enrolment.objects.bulk_create(
            (
                Enrolment(cohort_id=c, learner_id=learner_ids[i], channel="walk_in")
                for c, i in dict.fromkeys(plan)
            ),
            batch_size=5000,
            ignore_conflicts=True,
        )
    enrolments = list(Enrolment.objects.order_by("pk").values_list("pk", "cohort_id"))
    attendance, completed = [], []
    for e, (pk, cohort_id) in enumerate(enrolments):
        attended = 0
        for s, session in enumerate(by_cohort[cohort_id]):
            mark = MARKS[(e + s * 3) % len(MARKS)]
            attended += mark in ("present", "late")
            attendance.append(
                Attendance(enrolment_id=pk, session_id=session, status=mark, method="trainer")
            )
        if attended * 100 >= 80 * 3:
            completed.append(pk)
    with transaction.atomic():
        Attendance.objects.bulk_create(attendance, batch_size=5000)
        today = timezone.localdate()
        Certificate.objects.bulk_create(
            (
                Certificate(
                    enrolment_id=pk,
                    code=f"{n:08d}"[:4] + "-" + f"{n:08d}"[4:],
                    holder_name="ผู้เรียน",
                    course_title_th="หลักสูตร",
                    hours=Decimal(9),
                    issued_on=min(today, year.start + dt.timedelta(days=n % span + 21)),
                    issuer=host,
                    issuer_name=host.name_th,
                )
                for n, pk in enumerate(completed)
            ),
            batch_size=5000,
        )
    figures["learners_and_attendance"] = time.perf_counter() - started

    started = time.perf_counter()
    wifi = []
    point_of = {c.pk: c.service_point_id for c in centre_rows}
    area_of = {p.pk: p.area_code for p in points}
    for k, (pk, centre_id) in enumerate(cohorts[:: max(1, classes)]):
        point = point_of[centre_id]
        for n in range(30):
            day = first_day[pk] + dt.timedelta(days=n * 2 - 30)
            start = dt.datetime.combine(day, dt.time(18), tzinfo=zone)
            wifi.append(
                AccountingSession(
                    session_key=f"b{k}-{n}",
                    service_point_id=point,
                    area_code=area_of[point],
                    user_hash=f"u{(k * 13 + n) % 40}",
                    started_at=start,
                    updated_at=start,
                    ended_at=start + dt.timedelta(hours=1),
                    status="closed",
                )
            )
    with transaction.atomic():
        AccountingSession.objects.bulk_create(wifi, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    figures["wifi_sessions"] = time.perf_counter() - started
    figures["rows"] = {
        "centres": len(centre_rows),
        "classes": len(cohorts),
        "sessions": len(sessions),
        "learners": len(learners),
        "enrolments": len(enrolments),
        "attendance": len(attendance),
        "certificates": len(completed),
        "wifi_sessions": len(wifi),
    }
    return figures


def measure(repeat: int) -> list[tuple[str, int, int, dict]]:
    from django.db import connection
    from django.test import Client

    from pracharat.learning.models import Centre

    village = Centre.objects.filter(area_code__startswith="65").order_by("pk").first()
    village = (village or Centre.objects.order_by("pk").first()).area_code
    urls = [
        "/learning/indicators/",
        f"/learning/indicators/{village[:2]}/",
        f"/learning/indicators/{village[:4]}/",
        f"/learning/indicators/{village[:6]}/",
        f"/learning/indicators/{village}/",
        "/api/v1/learning/indicators",
        f"/api/v1/learning/indicators?area={village[:2]}",
    ]
    client = Client(HTTP_HOST="127.0.0.1")
    rows = []
    for url in urls:
        response = client.get(url)  # warm the caches and the database pages
        assert response.status_code == 200, (url, response.status_code)
        body = response.content
        executed: list[str] = []
        with connection.execute_wrapper(
            lambda run, sql, *args, log=executed: log.append(sql) or run(sql, *args)
        ):
            client.get(url)
        figures = _django.timed(lambda url=url: client.get(url), repeat)
        rows.append((url, len(executed), len(body), figures))
    return rows


def main(argv: list[str]) -> None:
    database_url = argv[0] if argv and not argv[0].startswith("--") else None
    centres = _arg(argv, "--centres", 2222)
    classes = _arg(argv, "--classes", 6)
    learners = _arg(argv, "--learners", 12)
    repeat = _arg(argv, "--repeat", 10)
    if "--reuse" in argv:  # measure again on a database an earlier run built
        import os

        import django

        os.environ["PRACHARAT_VAR_DIR"] = argv[argv.index("--reuse") + 1]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pracharat.settings")
        if database_url:
            os.environ["DATABASE_URL"] = database_url
        else:
            os.environ.pop("DATABASE_URL", None)
        django.setup()
        print("learning_indicators, reused database", flush=True)
    else:
        vendor = _django.setup(database_url)
        print(
            f"learning_indicators on {vendor}: {centres} centres × {classes} classes × "
            f"{learners} learners",
            flush=True,
        )
        import os

        print(f"scratch directory: {os.environ['PRACHARAT_VAR_DIR']}", flush=True)
        figures = build(centres, classes, learners)
        rows = figures.pop("rows")
        print("rows: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
        print("build: " + ", ".join(f"{k} {v:.1f} s" for k, v in figures.items()), flush=True)
    print(f"Django test client, one request in flight, {repeat} requests per URL")
    print("| URL | queries | body | p50 | p95 | max |")
    print("| --- | --- | --- | --- | --- | --- |")
    for url, queries, size, f in measure(repeat):
        print(
            f"| `{url}` | {queries} | {size / 1024:.1f} KB | {f['p50']:.1f} ms | "
            f"{f['p95']:.1f} ms | {f['max']:.1f} ms |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
