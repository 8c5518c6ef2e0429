from django.core.management import call_command
from django.core.management.base import BaseCommand

from pracharat.core import demo, registry
from pracharat.geo.models import Province


class Command(BaseCommand):
    help = "Load the demo: Phitsanulok, its agencies, one user per role, and each pillar's demo."

    def handle(self, *args, **options):
        if not Province.objects.exists():
            call_command("load_geography", stdout=self.stdout)
        demo.load(self.stdout)
        for load in registry.demo_loaders:
            load(self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"demo ready; every demo password is {demo.DEMO_PASSWORD!r}")
        )
