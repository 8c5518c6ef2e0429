"""``pracharat signing_key``: print a new Ed25519 private key (PKCS#8 PEM) for
``PLATFORM_SIGNING_KEY_FILE``; ``--public`` prints the configured key's JWKS instead."""

import json

from django.core.management.base import BaseCommand

from pracharat.core import keys


class Command(BaseCommand):
    help = "Print a new platform signing key (PEM), or the configured one's public JWKS."

    def add_arguments(self, parser):
        parser.add_argument("--public", action="store_true", help="the configured key's JWKS")

    def handle(self, *args, public, **options):
        if public:
            self.stdout.write(json.dumps(keys.jwks(), indent=2))
        else:
            self.stdout.write(keys.generate_pem().decode(), ending="")
