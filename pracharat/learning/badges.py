"""A certificate as an Open Badges 3.0 ``OpenBadgeCredential``, secured as a VC-JWT.

The credential (1EdTech Open Badges 3.0 on the W3C Verifiable Credentials Data Model 2.0):

- ``@context``: VC 2.0 and OB 3.0.3; ``type``: VerifiableCredential, OpenBadgeCredential;
- ``id``: the certificate's public verification page (a URL anyone can open);
- ``issuer``: a Profile whose ``id`` is the platform's did:web DID (``core.keys``: the DID
  document lists the key that signed it) and whose ``name`` is the issuing agency;
- ``validFrom``: the day of issue, local midnight (Asia/Bangkok);
- ``credentialSubject``: an AchievementSubject with no ``id`` (learners have no DID), the
  holder's name as an ``identifier`` IdentityObject (``identityType`` "name", not hashed,
  since the printed certificate shows it too) and the ``achievement``: the course's Thai
  title as its name, the English title, hours and the completion rule in its description
  and criteria, ``achievementType`` Course;
- ``credentialStatus``: a ``1EdTechRevocationList`` at the API
  (``/api/v1/learning/certificates/{code}/revocations``) listing this credential once it is
  revoked; the verification page says the same to people.

The VC-JWT (OB 3.0 §8.2, VC-JOSE-COSE): the JWS payload is the credential itself with the
registered claims ``iss`` (issuer.id), ``jti`` (id) and ``nbf`` (validFrom); the protected
header is ``{"alg": "EdDSA", "kid": <the DID URL of the platform key>, "typ": "JWT"}``,
signed by joserfc with the platform's Ed25519 key. Anyone can verify it offline with the
JWKS at ``/.well-known/jwks.json`` (or the DID document), e.g. ``pracharat
verify_credential FILE --jwks URL_OR_FILE``.
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
from contextlib import contextmanager

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import KeySet, OKPKey

from pracharat.core import keys

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
ALGORITHM = "EdDSA"


@contextmanager
def _eddsa():
    """joserfc warns that RFC 9864 deprecates the polymorphic "EdDSA" for "Ed25519"; Open
    Badges 3.0 and today's verifiers name "EdDSA" (the key is Ed25519 either way)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "EdDSA is deprecated", SecurityWarning)
        yield


class CredentialInvalid(Exception):
    """A VC-JWT whose signature, key or claims do not check out."""


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def verification_url(code: str) -> str:
    return site_url(reverse("learning:certificate", args=[code]))


def revocation_list_url(code: str) -> str:
    return site_url(f"/api/v1/learning/certificates/{code}/revocations")


def _valid_from(day: dt.date) -> str:
    zone = timezone.get_default_timezone()
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone).isoformat()


def credential(certificate) -> dict:
    """The unsigned OpenBadgeCredential of a certificate."""
    course = certificate.enrolment.cohort.course
    hours = certificate.hours
    share = getattr(course, "completion_share", 80)
    title_en = certificate.course_title_en or certificate.course_title_th
    description = f"{certificate.course_title_th} ({title_en}): {hours} hours."
    outline = (getattr(course, "outline", "") or "").strip()
    if outline:
        description += "\n" + outline
    issuer_name = certificate.issuer_name or "pracharat"
    return {
        "@context": CONTEXTS,
        "id": verification_url(certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.course_title_th,
        "issuer": {
            "id": keys.did(),
            "type": ["Profile"],
            "name": issuer_name,
            "url": site_url("/"),
        },
        "validFrom": _valid_from(certificate.issued_on),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": certificate.holder_name,
                }
            ],
            "achievement": {
                "id": site_url(f"/learning/courses/{course.pk}/"),
                "type": ["Achievement"],
                "achievementType": "Course",
                "name": certificate.course_title_th,
                "description": description,
                "criteria": {
                    "narrative": (
                        f"Attended at least {share}% of the class's sessions of the course "
                        f"({hours} hours), present or late; excused absences do not count "
                        "as attended."
                    )
                },
                "inLanguage": "th",
                "creator": {"id": keys.did(), "type": ["Profile"], "name": issuer_name},
            },
        },
        "credentialStatus": {
            "id": revocation_list_url(certificate.code),
            "type": "1EdTechRevocationList",
        },
    }


def claims(document: dict) -> dict:
    """The JWT payload: the credential with ``iss``, ``jti`` and ``nbf`` (OB 3.0 §8.2)."""
    valid_from = dt.datetime.fromisoformat(document["validFrom"])
    return {
        **document,
        "iss": document["issuer"]["id"],
        "jti": document["id"],
        "nbf": int(valid_from.timestamp()),
    }


def sign(document: dict) -> str:
    """The credential as a compact JWS signed with the platform key (joserfc)."""
    key = keys.signing_key()
    header = {"alg": ALGORITHM, "kid": key.kid, "typ": "JWT"}
    payload = json.dumps(claims(document), ensure_ascii=False, separators=(",", ":"))
    private = OKPKey.import_key(key.pem)
    with _eddsa():
        return jws.serialize_compact(header, payload.encode(), private, algorithms=[ALGORITHM])


def signed_credential(certificate) -> str:
    return sign(credential(certificate))


def verify(token: str, jwks: dict) -> dict:
    """Check a VC-JWT against a JWKS (the published one, for instance) and give its payload.

    Raises :class:`CredentialInvalid` for a bad signature, an unknown key, another algorithm,
    or claims that contradict the credential (``iss`` ≠ issuer.id, ``jti`` ≠ id)."""
    try:
        key_set = KeySet.import_key_set(jwks)
        with _eddsa():
            obj = jws.deserialize_compact(token.strip(), key_set, algorithms=[ALGORITHM])
        payload = json.loads(obj.payload)
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise CredentialInvalid(str(exc) or type(exc).__name__) from exc
    issuer = payload.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if payload.get("iss") != issuer_id or payload.get("jti") != payload.get("id"):
        raise CredentialInvalid("the JWT claims do not match the credential")
    if "OpenBadgeCredential" not in payload.get("type", []):
        raise CredentialInvalid("not an OpenBadgeCredential")
    return payload
