"""`pracharat rollup`: bring usage rollups (and point health) up to date now."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pracharat.network import health, rollups


class Command(BaseCommand):
    help = (
        "Recompute the daily, monthly and area usage of every day touched by changed sessions; "
        "with --since, rebuild every day from that date on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", help="YYYY-MM-DD: rebuild from this day to today")
        parser.add_argument("--until", help="YYYY-MM-DD: last day to rebuild (default today)")
        parser.add_argument("--no-health", action="store_true", help="skip the health check")

    def handle(self, *args, since, until, no_health, **options):
        if since:
            try:
                start = date.fromisoformat(since)
                end = date.fromisoformat(until) if until else timezone.localdate()
            except ValueError as exc:
                raise CommandError(f"dates are YYYY-MM-DD: {exc}") from None
            if end < start:
                raise CommandError("--until is before --since")
            result = rollups.rollup_range(start, end)
        else:
            result = rollups.rollup_pending()
        self.stdout.write(
            f"rollup: {result.marks} marks, {result.sessions_read} sessions read, "
            f"{result.point_days} point-days, {result.months} point-months, "
            f"{result.area_days} area-days"
        )
        if not no_health:
            h = health.check_points()
            self.stdout.write(
                f"health: {h.went_down} down, {h.recovered} recovered, "
                f"{h.incidents_opened} incidents opened, {h.incidents_resolved} resolved"
            )
