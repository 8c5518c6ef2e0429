from django.core.management.base import BaseCommand

from pracharat.core import registry


class Command(BaseCommand):
    help = (
        "Load the demo: each app's part in PRACHARAT_APPS order (the geography and Ban Khlong "
        "Mem, Phitsanulok's agencies and one user per role, then the pillars). Idempotent."
    )

    def handle(self, *args, **options):
        for load in registry.demo_loaders:
            load(self.stdout)
        self.stdout.write(self.style.SUCCESS("demo ready"))
