"""``pracharat verify_credential FILE --jwks URL_OR_FILE``: check a certificate's Open Badges
credential (the ``.jwt`` downloaded from its page) offline against a published JWKS, e.g.
``https://<site>/.well-known/jwks.json`` or a saved copy of it. Exit status 0 when valid."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pracharat.learning import badges


def read_jwks(source: str) -> dict:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=20) as response:  # noqa: S310 (http(s) only)
            return json.load(response)
    return json.loads(Path(source).read_text(encoding="utf-8"))


class Command(BaseCommand):
    help = "Verify a certificate's signed Open Badges credential (VC-JWT) against a JWKS."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the credential (.jwt)")
        parser.add_argument("--jwks", required=True, help="URL or file of the issuer's JWKS")

    def handle(self, *args, file, jwks, **options):
        try:
            token = Path(file).read_text(encoding="utf-8")
            key_set = read_jwks(jwks)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read: {exc}") from exc
        try:
            payload = badges.verify(token, key_set)
        except badges.CredentialInvalid as exc:
            raise CommandError(f"NOT VALID: {exc}") from exc
        subject = payload["credentialSubject"]
        names = ", ".join(i.get("identityHash", "") for i in subject.get("identifier", []))
        issuer = payload["issuer"].get("name") or payload["issuer"]["id"]
        course = subject["achievement"]["name"]
        self.stdout.write(
            f"VALID signature: {names} · {course} · {issuer} · {payload['validFrom'][:10]}"
        )
        self.stdout.write(
            "Revocation is not checked offline: see " + payload["credentialStatus"]["id"]
        )
