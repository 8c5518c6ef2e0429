"""Realistic service points and traffic, for the demo, load tests and benchmarks.

Points are placed in real sub-districts (villages numbered after the real ones are created
there), within a few kilometres of the sub-district's centre, at the kind of place the
programme used: the village hall, the school, the temple, the health station. The programme
mix follows the roll-out (about two thirds MDES 24,700 villages, the rest NBTC border and
rural); NT is the provider. A few points are idle (barely used) and a few are broken (went
dark some days ago), so outage handling has something to do.

Traffic follows a village day: little at night, a morning bump, school hours on weekdays at
schools, and the evening peak after work; weekends shift use to the daytime. Sessions last
minutes to hours (log-normal), users come from the village's population, a few of them
heavy. Generated history is written with bulk inserts and rolled up; ``LiveSender`` instead
plays sessions as real RADIUS packets against the listener.

Everything is seeded: the same arguments give the same points and sessions, and re-running
adds nothing twice (sessions have stable keys).
"""

from __future__ import annotations

import hashlib
import math
import random
import secrets
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from pracharat.accounts.models import Agency, AgencyKind
from pracharat.geo.models import Province, SubDistrict, Village
from pracharat.network.accounting import SESSION_COLUMNS, session_rows
from pracharat.network.models import (
    AccountingSession,
    Nas,
    PointStatus,
    Programme,
    ServicePoint,
    SessionStatus,
)
from pracharat.network.privacy import pseudonym
from pracharat.network.radius import encode_accounting_request

SIM_PREFIX = "SIM-"
PLACES = [
    ("ศาลาประชาคมบ้าน", 0.45, False),
    ("โรงเรียนบ้าน", 0.25, True),
    ("วัดบ้าน", 0.12, False),
    ("โรงพยาบาลส่งเสริมสุขภาพตำบลบ้าน", 0.10, False),
    ("ที่ทำการผู้ใหญ่บ้าน บ้าน", 0.08, False),
]
VILLAGE_WORDS = [
    "หนอง",
    "ดอน",
    "โคก",
    "นา",
    "ห้วย",
    "คลอง",
    "บึง",
    "ป่า",
    "ท่า",
    "ไร่",
    "สระ",
    "วัง",
    "โพธิ์",
    "ทุ่ง",
    "เขา",
    "บาง",
    "หัวฝาย",
    "น้ำริน",
    "ใหม่",
    "กลาง",
    "ทอง",
    "แดง",
    "งาม",
    "ยาง",
    "มะม่วง",
    "ขาม",
    "เตย",
    "ไผ่",
    "สะแก",
    "จิก",
]
# Relative use by local hour: night, morning, midday, school, evening peak.
WEEKDAY_CURVE = [
    0.2,
    0.1,
    0.05,
    0.05,
    0.1,
    0.3,
    0.8,
    1.2,
    1.3,
    1.0,
    0.9,
    1.0,
    1.3,
    1.1,
    1.0,
    1.2,
    1.6,
    2.0,
    2.6,
    3.0,
    3.0,
    2.4,
    1.4,
    0.6,
]
DAY_AVERAGE = sum(WEEKDAY_CURVE) / 24
WEEKEND_CURVE = [
    0.3,
    0.15,
    0.05,
    0.05,
    0.1,
    0.2,
    0.5,
    0.9,
    1.4,
    1.8,
    2.0,
    2.0,
    2.0,
    1.9,
    1.8,
    1.8,
    1.9,
    2.1,
    2.5,
    2.8,
    2.8,
    2.3,
    1.5,
    0.8,
]
SCHOOL_HOURS = range(8, 16)


@dataclass
class PointProfile:
    """How one simulated point behaves (derived from its code, so stable across runs)."""

    point_id: int
    code: str
    area_code: str
    nas_id: int | None
    sessions_per_day: float
    population: int
    school: bool
    broken_since: date | None
    user_hashes: list[str] = field(default_factory=list, repr=False)


def _rng(*parts) -> random.Random:
    seed = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(seed[:8], "big"))


def provider_for(province: Province) -> Agency:
    """NT's office for the province: the demo's nt-phitsanulok, or one made for the province."""
    if province.code == "65":
        existing = Agency.objects.filter(slug="nt-phitsanulok").first()
        if existing:
            return existing
    agency, _ = Agency.objects.get_or_create(
        slug=f"nt-{province.code}",
        defaults={
            "name_th": f"บมจ. โทรคมนาคมแห่งชาติ จังหวัด{province.name_th}",
            "name_en": f"National Telecom (NT) {province.name_en}",
            "kind": AgencyKind.TELECOM,
            "area_code": province.code,
        },
    )
    return agency


def _village_name(rng: random.Random) -> str:
    return "".join(rng.sample(VILLAGE_WORDS, 2))


def create_points(
    provinces: Iterable[str] | None, count: int, *, seed: int = 65, today: date | None = None
) -> list[ServicePoint]:
    """``count`` points spread over the sub-districts of ``provinces`` (None: the country),
    returned in full; those made by an earlier run with the same seed are reused."""
    today = today or timezone.localdate()
    subs = SubDistrict.objects.filter(latitude__isnull=False).select_related("district__province")
    if provinces:
        from pracharat.core.models import area_q

        subs = subs.filter(area_q(list(provinces), "code"))
    subdistricts = list(subs.order_by("code"))
    if not subdistricts:
        raise ValueError("no sub-districts with coordinates in that area")
    rng = _rng("points", seed)
    rng.shuffle(subdistricts)
    providers: dict[str, Agency] = {}
    existing_codes = set(
        ServicePoint.objects.filter(code__startswith=SIM_PREFIX).values_list("code", flat=True)
    )
    existing_villages = set(
        Village.objects.filter(subdistrict__in=[s.code for s in subdistricts]).values_list(
            "code", flat=True
        )
    )
    villages, points, devices = [], [], []
    codes: list[str] = []
    per_sub: dict[str, int] = {}
    for n in range(count):
        sub = subdistricts[n % len(subdistricts)]
        moo = per_sub.get(sub.code, 0) + 1
        per_sub[sub.code] = moo
        village_code = f"{sub.code}{moo + 20:02d}" if moo + 20 < 100 else None
        if village_code is None:
            continue
        code = f"{SIM_PREFIX}{village_code}"
        codes.append(code)
        if code in existing_codes:
            continue
        r = _rng("point", seed, village_code)
        name = _village_name(r)
        if village_code not in existing_villages:
            villages.append(
                Village(
                    code=village_code,
                    subdistrict_id=sub.code,
                    moo=moo + 20,
                    name_th=f"บ้าน{name}",
                    latitude=sub.latitude + r.uniform(-0.03, 0.03),
                    longitude=sub.longitude + r.uniform(-0.03, 0.03),
                )
            )
        place = r.choices(PLACES, weights=[p[1] for p in PLACES])[0][0]
        province = sub.district.province
        if province.code not in providers:
            providers[province.code] = provider_for(province)
        roll = r.random()
        programme = (
            Programme.MDES_24700
            if roll < 0.66
            else Programme.NBTC_BORDER
            if roll < 0.76
            else Programme.NBTC_RURAL
        )
        points.append(
            ServicePoint(
                code=code,
                village_id=village_code,
                area_code=village_code,
                place_name=f"{place}{name}",
                latitude=round(sub.latitude + r.uniform(-0.025, 0.025), 5),
                longitude=round(sub.longitude + r.uniform(-0.025, 0.025), 5),
                programme=programme,
                provider=providers[province.code],
                installed_on=date(2018, 1, 1) + timedelta(days=r.randrange(0, 900)),
                bandwidth_down_mbps=30,
                bandwidth_up_mbps=10,
                monthly_cost=Decimal(r.choice(["900.00", "1000.00", "1200.00"])),
                ssid="Net Pracharat",
                status=PointStatus.DECOMMISSIONED if r.random() < 0.01 else PointStatus.ACTIVE,
            )
        )
    with transaction.atomic():
        Village.objects.bulk_create(villages, batch_size=1000, ignore_conflicts=True)
        ServicePoint.objects.bulk_create(points, batch_size=1000, ignore_conflicts=True)
        created = list(ServicePoint.objects.filter(code__in=[p.code for p in points]))
        for point in created:
            devices.append(
                Nas(
                    service_point=point,
                    nas_ip="127.0.0.1",
                    nas_identifier=point.code.lower(),
                    called_station_id=_mac(point.code),
                    secret=secrets.token_urlsafe(18),
                )
            )
        Nas.objects.bulk_create(devices, batch_size=1000, ignore_conflicts=True)
    every = []
    for i in range(0, len(codes), 5000):
        every += ServicePoint.objects.filter(code__in=codes[i : i + 5000])
    return every


def _mac(code: str) -> str:
    digest = hashlib.sha256(code.encode()).hexdigest()[:10]
    return "02-" + "-".join(digest[i : i + 2] for i in range(0, 10, 2)).upper()


def profiles(points: Iterable[ServicePoint], *, seed: int, today: date) -> list[PointProfile]:
    nas_ids = dict(
        Nas.objects.filter(service_point__in=[p.pk for p in points]).values_list(
            "service_point_id", "pk"
        )
    )
    result = []
    for point in points:
        r = _rng("profile", seed, point.code)
        kind = r.random()
        if kind < 0.07:  # idle: a handful of people a day
            rate = r.uniform(2.0, 5.0)
        elif kind < 0.85:
            rate = r.lognormvariate(math.log(25), 0.5)
        else:  # busy: a school or a market village
            rate = r.uniform(60, 120)
        broken = today - timedelta(days=r.randint(2, 10)) if r.random() < 0.03 else None
        population = max(10, int(rate * r.uniform(2.0, 5.0)))
        profile = PointProfile(
            point_id=point.pk,
            code=point.code,
            area_code=point.area_code,
            nas_id=nas_ids.get(point.pk),
            sessions_per_day=rate,
            population=population,
            school=point.place_name.startswith("โรงเรียน"),
            broken_since=broken,
        )
        result.append(profile)
    return result


def _user_hashes(profile: PointProfile) -> list[str]:
    if not profile.user_hashes:
        profile.user_hashes = [
            pseudonym(f"{profile.code.lower()}-user{n}") for n in range(profile.population)
        ]
    return profile.user_hashes


def _hour_weights(day: date, school: bool) -> list[float]:
    weekend = day.weekday() >= 5
    curve = list(WEEKEND_CURVE if weekend else WEEKDAY_CURVE)
    if school and not weekend:
        for hour in SCHOOL_HOURS:
            curve[hour] *= 2.5
    return curve


def sessions_for_day(profile: PointProfile, day: date, *, seed: int, now: datetime):
    """The point's sessions of one local day, as unsaved AccountingSession rows."""
    if profile.broken_since and day >= profile.broken_since:
        return []
    r = _rng("day", seed, profile.code, day.isoformat())
    weekend_factor = 1.15 if day.weekday() >= 5 else 1.0
    expected = profile.sessions_per_day * weekend_factor
    count = max(0, int(r.gauss(expected, math.sqrt(expected) + 0.5)))
    weights = _hour_weights(day, profile.school)
    hours = r.choices(range(24), weights=weights, k=count)
    users = _user_hashes(profile)
    midnight = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    rows = []
    for n, hour in enumerate(hours):
        start = midnight + timedelta(hours=hour, seconds=r.randrange(3600))
        if start >= now:
            continue
        seconds = int(min(4 * 3600, max(30, r.lognormvariate(math.log(1200), 0.9))))
        end = start + timedelta(seconds=seconds)
        # Heavy users: a fifth of the village makes most of the sessions.
        who = int(len(users) * (r.random() ** 2.2))
        mbps = r.lognormvariate(math.log(0.8), 0.8)
        down = int(mbps * 125_000 * seconds)
        up = int(down * r.uniform(0.05, 0.15))
        key = hashlib.md5(  # noqa: S324 - a stable id, not a security control
            f"sim|{profile.code}|{day.isoformat()}|{n}".encode()
        ).hexdigest()
        session = AccountingSession(
            session_key=key,
            acct_session_id=key[:16],
            nas_id=profile.nas_id,
            service_point_id=profile.point_id,
            area_code=profile.area_code,
            user_hash=users[who],
            calling_station_hash=users[who],
            started_at=start,
        )
        if end > now:
            # Still online: what the last Interim-Update said.
            elapsed = int((now - start).total_seconds())
            fraction = elapsed / seconds
            session.updated_at = session.ended_at = now
            session.input_octets = int(up * fraction)
            session.output_octets = int(down * fraction)
            session.session_time = elapsed
            session.status = SessionStatus.OPEN
        else:
            session.updated_at = session.stopped_at = session.ended_at = end
            session.input_octets, session.output_octets = up, down
            session.session_time = seconds
            session.terminate_cause = r.choice(["User-Request", "Idle-Timeout", "Lost-Carrier"])
            session.status = SessionStatus.CLOSED
        rows.append(session)
    return rows


@dataclass
class HistoryResult:
    points: int = 0
    sessions: int = 0
    days: int = 0
    seconds_writing: float = 0.0


def write_history(
    points: list[ServicePoint],
    days: int,
    *,
    seed: int = 65,
    now: datetime | None = None,
    batch: int = 5000,
    progress=None,
) -> HistoryResult:
    """Bulk-write ``days`` days of sessions (ending now) for the points, and mark each point's
    last sign of life (broken points fell silent when they broke)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = HistoryResult(points=len(points), days=days)
    in_service = [p for p in points if p.status != PointStatus.DECOMMISSIONED]
    point_profiles = profiles(in_service, seed=seed, today=today)
    started = time.perf_counter()
    last_seen: dict[int, datetime] = {}
    pending: list[AccountingSession] = []

    def flush():
        result.sessions += insert_sessions(pending)
        pending.clear()

    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        for profile in point_profiles:
            rows = sessions_for_day(profile, day, seed=seed, now=now)
            if rows:
                last_seen[profile.point_id] = max(
                    last_seen.get(profile.point_id, rows[-1].ended_at),
                    max(r.ended_at for r in rows),
                )
            pending.extend(rows)
            if len(pending) >= batch:
                flush()
        if progress:
            progress(day, result.sessions + len(pending))
    flush()
    result.seconds_writing = time.perf_counter() - started
    seen_rows = [ServicePoint(pk=pk, last_seen=at, last_traffic=at) for pk, at in last_seen.items()]
    ServicePoint.objects.bulk_update(seen_rows, ["last_seen", "last_traffic"], batch_size=1000)
    return result


def insert_sessions(rows: list[AccountingSession]) -> int:
    """Insert sessions with one ``executemany`` (ON CONFLICT DO NOTHING, so re-runs add
    nothing twice): several times faster than ``bulk_create`` for generated history, which
    needs none of the ORM's per-value preparation. Returns the number of rows offered."""
    if not rows:
        return 0
    table = AccountingSession._meta.db_table
    columns = ", ".join(connection.ops.quote_name(c) for c in SESSION_COLUMNS)
    marks = ", ".join(["%s"] * len(SESSION_COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING"  # noqa: S608
    params = session_rows(rows)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(rows)


# -- live: real RADIUS packets to the listener ------------------------------------------------


@dataclass
class LiveSession:
    session_id: str
    user: str
    mac: str
    started: float
    ends: float
    mbps: float
    next_interim: float


class LiveSender:
    """Plays village sessions as Accounting-Request packets (Start, Interim-Update every
    ``interim`` seconds, Stop) to a listener, retransmitting until answered, as a NAS does.

    New sessions follow the village day (few at night, the evening peak), ``starts_per_second``
    being the day's average; ``steady`` keeps that rate at every hour (tests, measurements),
    so what is sent does not depend on the clock."""

    def __init__(
        self,
        target: tuple[str, int],
        devices: list[tuple[str, bytes]],
        *,
        interim: float = 60.0,
        seed: int = 65,
        timeout: float = 2.0,
        steady: bool = False,
    ) -> None:
        self.target = target
        self.steady = steady
        self.devices = devices  # (NAS-Identifier, secret)
        self.interim = interim
        self.rng = random.Random(seed)
        self.timeout = timeout
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(timeout)
        self.identifier = 0
        self.open: dict[str, tuple[int, LiveSession]] = {}
        self.sent = self.answered = self.lost = 0

    def close(self) -> None:
        self.sock.close()

    def _send(self, device: int, attributes: list[tuple[str, object]]) -> bool:
        ident, secret = self.devices[device]
        self.identifier = (self.identifier + 1) % 256
        raw = encode_accounting_request(
            [
                *attributes,
                ("NAS-Identifier", ident),
                ("NAS-IP-Address", "127.0.0.1"),
                ("Event-Timestamp", int(time.time())),
            ],
            secret,
            self.identifier,
        )
        for _attempt in range(3):
            self.sent += 1
            self.sock.sendto(raw, self.target)
            try:
                while True:
                    answer = self.sock.recv(4096)
                    if answer[1] == raw[1]:
                        self.answered += 1
                        return True
            except TimeoutError:
                continue
        self.lost += 1
        return False

    def _session_attributes(self, status: str, s: LiveSession, now: float):
        elapsed = int(now - s.started)
        octets = int(s.mbps * 125_000 * elapsed)
        attrs = [
            ("Acct-Status-Type", status),
            ("Acct-Session-Id", s.session_id),
            ("User-Name", s.user),
            ("Calling-Station-Id", s.mac),
            ("NAS-Port", 1),
        ]
        if status != "Start":
            attrs += [
                ("Acct-Session-Time", elapsed),
                ("Acct-Output-Octets", octets % 2**32),
                ("Acct-Output-Gigawords", octets // 2**32),
                ("Acct-Input-Octets", (octets // 10) % 2**32),
            ]
        return attrs

    def step(self, starts_per_second: float) -> None:
        """One second of village life across all devices."""
        now = time.time()
        for key, (device, s) in list(self.open.items()):
            if now >= s.ends:
                attrs = self._session_attributes("Stop", s, now)
                self._send(device, [*attrs, ("Acct-Terminate-Cause", "User-Request")])
                del self.open[key]
            elif now >= s.next_interim:
                self._send(device, self._session_attributes("Interim-Update", s, now))
                s.next_interim = now + self.interim
        rate = starts_per_second
        if not self.steady:
            rate *= WEEKDAY_CURVE[timezone.localtime().hour] / DAY_AVERAGE
        for _ in range(int(rate) + (1 if self.rng.random() < rate % 1 else 0)):
            device = self.rng.randrange(len(self.devices))
            user = f"live-user{self.rng.randrange(500)}"
            session = LiveSession(
                session_id=secrets.token_hex(8),
                user=user,
                mac=_mac(user),
                started=now,
                ends=now + min(3600, max(20, self.rng.lognormvariate(math.log(300), 0.8))),
                mbps=self.rng.lognormvariate(math.log(0.8), 0.7),
                next_interim=now + self.interim,
            )
            if self._send(device, self._session_attributes("Start", session, now)):
                self.open[session.session_id] = (device, session)

    def run(self, duration: float, starts_per_second: float, report=None) -> None:
        end = time.monotonic() + duration
        while time.monotonic() < end:
            tick = time.monotonic()
            self.step(starts_per_second)
            if report:
                report(self)
            time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
        now = time.time()
        for device, s in list(self.open.values()):
            attrs = self._session_attributes("Stop", s, now)
            self._send(device, [*attrs, ("Acct-Terminate-Cause", "Admin-Reset")])
        self.open.clear()
