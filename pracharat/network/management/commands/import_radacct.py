"""`pracharat import_radacct`: sessions from a FreeRADIUS radacct table or its CSV export."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from pracharat.network import radacct, rollups


class Command(BaseCommand):
    help = (
        "Import accounting from FreeRADIUS: --dsn postgresql://... [--table radacct] or "
        "--csv export.csv. Incremental and idempotent: run it as often as you like."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--dsn", help="PostgreSQL connection string of the FreeRADIUS DB")
        source.add_argument("--csv", help="CSV export of radacct (header row)")
        parser.add_argument("--table", default="radacct", help="table name, may be schema.table")
        parser.add_argument("--no-rollup", action="store_true", help="leave rollups for later")

    def handle(self, *args, dsn, csv, table, no_rollup, **options):
        try:
            result = radacct.import_postgresql(dsn, table) if dsn else radacct.import_csv(csv)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        except Exception as exc:  # psycopg errors: say what failed, not a traceback
            if type(exc).__module__.startswith("psycopg"):
                raise CommandError(f"cannot read radacct: {exc}") from None
            raise
        self.stdout.write(
            f"radacct: {result.rows} rows read, {result.sessions_created} sessions new, "
            f"{result.sessions_updated} updated, {result.unchanged} unchanged, "
            f"{result.unknown_nas} of unknown devices, {result.bad_rows} unreadable"
        )
        if not no_rollup:
            roll = rollups.rollup_pending()
            self.stdout.write(f"rollup: {roll.point_days} point-days")
