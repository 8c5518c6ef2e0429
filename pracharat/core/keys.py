"""The platform's signing key: one Ed25519 key that signs what the platform vouches for (the
learning certificates' Open Badges credentials), and its public half as published at
``/.well-known/jwks.json`` and in the did:web DID document at ``/.well-known/did.json``.

Where the key comes from (``settings.PLATFORM_SIGNING_KEY``, read at call time):

- a PKCS#8 PEM private key in ``PLATFORM_SIGNING_KEY`` or in the file that
  ``PLATFORM_SIGNING_KEY_FILE`` names (``core.lib.env`` reads either);
- else, outside production, a key made once into ``var/platform_signing_key.pem`` (mode
  600) and kept, so what the development site signed still verifies after a restart;
- in production the setting is required: settings refuse to start without it, and system
  check ``pracharat.E004`` says so if it is not an Ed25519 private key.

The key id is the DID URL of the key: ``did:web:<SITE_URL's host>#<RFC 7638 thumbprint>``, the
same string in the JWKS (``kid``), in the DID document (``verificationMethod.id``) and in a
signature's protected header, so a verifier finds the key either way. A new key gives a new id.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["SigningKey", "did", "did_document", "jwks", "signing_key"]

DEV_KEY_NAME = "platform_signing_key.pem"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class SigningKey:
    """The private key, its public JWK and its id."""

    private_key: Ed25519PrivateKey
    pem: bytes

    @property
    def public_bytes(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def thumbprint(self) -> str:
        """RFC 7638: SHA-256 of the required members in lexical order, no white space."""
        members = {"crv": "Ed25519", "kty": "OKP", "x": _b64url(self.public_bytes)}
        canonical = json.dumps(members, separators=(",", ":"), sort_keys=True)
        return _b64url(hashlib.sha256(canonical.encode()).digest())

    @property
    def kid(self) -> str:
        return f"{did()}#{self.thumbprint}"

    def public_jwk(self) -> dict:
        """The public key as a JWK (RFC 8037), with its id and use."""
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": _b64url(self.public_bytes),
            "kid": self.kid,
            "alg": "EdDSA",
            "use": "sig",
        }


def _load(pem: bytes, source: str) -> SigningKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"{source} is not a PEM private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{source} is not an Ed25519 key ({type(key).__name__}).")
    return SigningKey(key, pem)


def generate_pem() -> bytes:
    """A new Ed25519 private key as PKCS#8 PEM (``pracharat signing_key --new`` prints one)."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _development_pem() -> bytes:
    """The development key in ``VAR_DIR``, made once. It is written whole to a temporary file
    and linked into place (a link fails if the name exists), so two processes starting
    together agree on one key and neither reads a half-written file."""
    path = Path(settings.VAR_DIR) / DEV_KEY_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(generate_pem())
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return path.read_bytes()


_lock = threading.Lock()
_cache: dict[bytes, SigningKey] = {}


def signing_key() -> SigningKey:
    """The platform's key (see the module's docstring for where it comes from)."""
    configured = (getattr(settings, "PLATFORM_SIGNING_KEY", "") or "").strip()
    if configured:
        pem, source = configured.encode(), "PLATFORM_SIGNING_KEY"
    elif getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured(
            "PLATFORM_SIGNING_KEY (or PLATFORM_SIGNING_KEY_FILE) is required"
        )
    else:
        pem, source = _development_pem(), str(Path(settings.VAR_DIR) / DEV_KEY_NAME)
    with _lock:
        if pem not in _cache:
            _cache[pem] = _load(pem, source)
        return _cache[pem]


def did() -> str:
    """did:web of ``SITE_URL``'s host (a port is percent-encoded, as did:web says; a path
    after the host is ignored: the document is served at the host's ``/.well-known/``)."""
    parts = urlsplit(settings.SITE_URL)
    host = parts.hostname or "localhost"
    if parts.port:
        host = f"{host}:{parts.port}"
    return "did:web:" + quote(host, safe="")


def jwks() -> dict:
    """The JSON Web Key Set served at ``/.well-known/jwks.json``."""
    return {"keys": [signing_key().public_jwk()]}


def did_document() -> dict:
    """The DID document served at ``/.well-known/did.json`` (DID Core 1.0, did:web), its one
    verification method the platform's key as a JsonWebKey (W3C VC-JOSE-COSE)."""
    key = signing_key()
    subject = did()
    method = {
        "id": key.kid,
        "type": "JsonWebKey",
        "controller": subject,
        "publicKeyJwk": {k: v for k, v in key.public_jwk().items() if k not in ("kid", "use")},
    }
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": subject,
        "verificationMethod": [method],
        "assertionMethod": [key.kid],
        "authentication": [key.kid],
    }
