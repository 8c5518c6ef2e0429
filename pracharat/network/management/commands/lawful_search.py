"""`pracharat lawful_search`: the lawful-request search from the command line (network.lawful);
the acting account must hold the role, and the search is audited like the page's."""

from __future__ import annotations

import csv
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pracharat.core.errors import DomainError
from pracharat.network import lawful


def _moment(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{text!r}: give an ISO date or date and time") from exc
    return timezone.make_aware(value) if timezone.is_naive(value) else value


HEADER = [
    "started_at", "stopped_at", "service_point", "nas_ip", "acct_session_id",
    "session_time", "input_octets", "output_octets", "terminate_cause",
]  # fmt: skip


class Command(BaseCommand):
    help = (
        "Sessions of a User-Name or a MAC address over a time window, as CSV, for a lawful "
        "request (needs an account with network.lawful_search; written to the audit log)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--actor", required=True, help="e-mail of the account searching")
        parser.add_argument("--reference", required=True, help="the request's reference")
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user-name")
        who.add_argument("--mac")
        parser.add_argument("--start", required=True, type=_moment, help="ISO, Thailand time")
        parser.add_argument("--end", required=True, type=_moment, help="ISO, Thailand time")

    def handle(self, *args, actor, reference, user_name, mac, start, end, **options):
        user = get_user_model()._default_manager.filter(email__iexact=actor).first()
        if user is None:
            raise CommandError(f"no account {actor!r}")
        kind, value = ("user_name", user_name) if user_name else ("mac", mac)
        try:
            found = lawful.search(
                actor=user, reference=reference, kind=kind, value=value, start=start, end=end
            )
        except DomainError as exc:
            details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items()) or str(exc)
            raise CommandError(details) from exc
        out = csv.writer(self.stdout)
        out.writerow(HEADER)
        for s in found.sessions:
            out.writerow([
                timezone.localtime(s.started_at).isoformat(),
                timezone.localtime(s.stopped_at).isoformat() if s.stopped_at else "",
                s.service_point.code, s.nas.nas_ip if s.nas else "", s.acct_session_id,
                s.session_time, s.input_octets, s.output_octets, s.terminate_cause,
            ])  # fmt: skip
        note = " (truncated: narrow the window)" if found.truncated else ""
        self.stderr.write(f"{len(found.sessions)} sessions{note}; the search is in the audit log")
