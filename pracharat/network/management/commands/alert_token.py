"""`pracharat alert_token --agency nt-phitsanulok --kind alertmanager [--name …]`: a token for
a provider's monitoring to post alerts with (shown once; only its hash is kept)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from pracharat.accounts.models import Agency
from pracharat.network import alerts
from pracharat.network.models import AlertKind


class Command(BaseCommand):
    help = "Make a webhook token for a provider's Alertmanager or Zabbix (docs/network.md)."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="the provider agency's slug")
        parser.add_argument("--kind", required=True, choices=AlertKind.values)
        parser.add_argument("--name", default="", help="a name to tell sources apart")

    def handle(self, *args, agency, kind, name, **options):
        provider = Agency.objects.filter(slug=agency).first()
        if provider is None:
            raise CommandError(f"no agency {agency!r}")
        source, token = alerts.make_source(provider, kind, name or f"{kind} {provider.slug}")
        path = "/api/v1/network/alerts/" + kind
        self.stdout.write(f"source {source.pk} ({source.name}) posts to {path}")
        self.stdout.write(f"Authorization: Bearer {token}")
        self.stderr.write("The token is shown only now; keep it in the monitoring's secrets.")
