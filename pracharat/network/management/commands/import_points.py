"""`pracharat import_points points.csv [--devices devices.csv]`: all lines or nothing (CSV or
XLSX, on pracharat.core.tables)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pracharat.network.imports import DEVICE_COLUMNS, POINT_COLUMNS, import_devices, import_points


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Import service points (and their RADIUS devices) from CSV or XLSX. Every line is "
        "checked first; if any line is wrong nothing is imported and each error is listed. "
        f"Point columns: {', '.join(c.key for c in POINT_COLUMNS)}. "
        f"Device columns: {', '.join(c.key for c in DEVICE_COLUMNS)}."
    )

    def add_arguments(self, parser):
        parser.add_argument("points", nargs="?", help="CSV or XLSX of service points")
        parser.add_argument("--devices", help="CSV of RADIUS devices (after the points)")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args, points, devices, dry_run, **options):
        if not points and not devices:
            raise CommandError("give a points CSV, --devices CSV, or both")
        reports = []
        try:
            with transaction.atomic():
                if points:
                    reports.append(("points", points, import_points(self._read(points))))
                    if not reports[-1][2].ok:
                        raise Rollback
                if devices:
                    reports.append(("devices", devices, import_devices(self._read(devices))))
                    if not reports[-1][2].ok:
                        raise Rollback
                if dry_run:
                    raise Rollback
        except Rollback:
            pass
        failed = False
        for kind, path, report in reports:
            for error in report.errors:
                where = f"{path}:{error.line}" + (f": {error.column}" if error.column else "")
                self.stderr.write(f"{where}: {error.message}")
            if report.errors:
                failed = True
                continue
            verb = "would import" if dry_run else "imported"
            self.stdout.write(
                f"{kind}: {verb} {report.created} new, {report.updated} updated, "
                f"{report.unchanged} unchanged"
            )
        if failed:
            raise CommandError("nothing was imported; fix the lines above and run again")

    def _read(self, path: str) -> bytes:
        try:
            return Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc}") from None
