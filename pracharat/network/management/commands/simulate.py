"""`pracharat simulate`: realistic points and traffic, in bulk or live over RADIUS."""

from __future__ import annotations

import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pracharat.network import health, rollups, simulate
from pracharat.network.listener import default_bind, parse_bind
from pracharat.network.models import Nas


class Command(BaseCommand):
    help = (
        "Create simulated service points in real sub-districts and write N days of realistic "
        "traffic in bulk (then roll it up), or with --live send sessions as real RADIUS "
        "packets to the listener."
    )

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--province", action="append", help="province code, e.g. 65")
        where.add_argument("--all", action="store_true", help="the whole country")
        parser.add_argument("--points", type=int, help="how many points (120 / 44000)")
        parser.add_argument("--days", type=int, default=30, help="days of history (30)")
        parser.add_argument("--seed", type=int, default=65)
        parser.add_argument("--live", action="store_true", help="send RADIUS packets instead")
        parser.add_argument("--target", help="listener host:port (RADIUS_BIND)")
        parser.add_argument("--duration", type=float, default=60.0, help="live seconds")
        parser.add_argument(
            "--rate", type=float, default=2.0, help="live new sessions/second, the day's average"
        )
        parser.add_argument(
            "--steady",
            action="store_true",
            help="live: the same rate at every hour, not the village day (tests, measurements)",
        )
        parser.add_argument("--interim", type=float, default=60.0, help="live interim seconds")

    def handle(self, *args, **o):
        provinces = None if o["all"] else [p.strip() for p in o["province"]]
        if provinces and not all(len(p) == 2 and p.isdigit() for p in provinces):
            raise CommandError("--province takes a 2-digit province code")
        count = o["points"] or (44_000 if o["all"] else 120 * len(provinces))
        if o["live"]:
            return self.live(provinces, count, o)
        started = time.perf_counter()
        try:
            points = simulate.create_points(provinces, count, seed=o["seed"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{len(points)} simulated points")
        if o["days"] <= 0:
            return
        result = simulate.write_history(
            points,
            o["days"],
            seed=o["seed"],
            progress=lambda day, n: (
                self.stdout.write(f"  {day}: {n} sessions") if o["verbosity"] >= 2 else None
            ),
        )
        self.stdout.write(
            f"{result.sessions} sessions over {result.days} days written in "
            f"{result.seconds_writing:.1f} s"
        )
        today = timezone.localdate()
        ids = {p.pk for p in points}
        roll = rollups.rollup_range(
            today - timedelta(days=o["days"] - 1), today, None if o["all"] else ids
        )
        check = health.check_points()
        self.stdout.write(
            f"rolled up {roll.point_days} point-days; {check.went_down} points dark, "
            f"{check.incidents_opened} incidents opened; {time.perf_counter() - started:.1f} s"
        )

    def live(self, provinces, count, o):
        target = parse_bind(o["target"]) if o["target"] else default_bind()
        points = simulate.create_points(provinces, count, seed=o["seed"])
        devices = [
            (ident, secret.encode())
            for ident, secret in Nas.objects.filter(
                service_point__in=[p.pk for p in points], is_active=True
            ).values_list("nas_identifier", "secret")
        ]
        if not devices:
            raise CommandError("no devices to simulate")
        sender = simulate.LiveSender(
            target, devices, interim=o["interim"], seed=o["seed"], steady=o["steady"]
        )
        self.stdout.write(
            f"sending live accounting from {len(devices)} devices to {target[0]}:{target[1]} "
            f"for {o['duration']:.0f} s"
        )

        def report(s):
            if o["verbosity"] >= 2:
                self.stdout.write(f"  {len(s.open)} open, {s.answered} answered, {s.lost} lost")

        try:
            sender.run(o["duration"], o["rate"], report)
        except KeyboardInterrupt:
            pass
        finally:
            sender.close()
        self.stdout.write(
            f"{sender.sent} packets sent, {sender.answered} answered, {sender.lost} lost"
        )
