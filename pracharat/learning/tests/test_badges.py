"""The Open Badges 3.0 credential: signed by joserfc with the platform key, verified here by
an independent library (PyJWT) with only the JWKS fetched from the live server."""

from __future__ import annotations

import json
import urllib.request

import jwt
import pytest
from django.core.management import CommandError, call_command

from pracharat.core import keys
from pracharat.learning import badges, certificates
from pracharat.learning.tests import certdata


@pytest.fixture
def cert(ban_khlong_mem):
    klass = certdata.cohort(certdata.centre(ban_khlong_mem), sessions=4)
    certdata.enrol(klass, certdata.learner(ban_khlong_mem, "นางสาวบุญมี ศรีสุข"), 4)
    [issued] = certificates.issue_certificates(klass)
    return issued


def fetch(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310
        assert response.status == 200
        return json.load(response)


def verify_with_pyjwt(token: str, jwks: dict) -> dict:
    """Pick the key by the token's kid from the JWKS, as a verifier does, and check it."""
    kid = jwt.get_unverified_header(token)["kid"]
    [jwk] = [k for k in jwks["keys"] if k["kid"] == kid]
    key = jwt.PyJWK(jwk, algorithm="EdDSA")
    return jwt.decode(token, key.key, algorithms=["EdDSA"], issuer=keys.did())


def flip(token: str, index: int) -> str:
    ch = token[index]
    return token[:index] + ("B" if ch != "B" else "C") + token[index + 1 :]


@pytest.mark.django_db(transaction=True)
def test_the_credential_verifies_with_the_published_key_and_not_after_a_change(live_server, cert):
    jwks = fetch(live_server.url + "/.well-known/jwks.json")
    assert [k["kty"] for k in jwks["keys"]] == ["OKP"] and "d" not in jwks["keys"][0]
    token = cert.credential
    payload = verify_with_pyjwt(token, jwks)
    assert "OpenBadgeCredential" in payload["type"]
    assert payload["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    subject = payload["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == "นางสาวบุญมี ศรีสุข"
    assert subject["achievement"]["name"] == certdata.COURSE_TH
    assert payload["issuer"]["id"] == keys.did() == payload["iss"]
    assert payload["jti"] == payload["id"] == badges.verification_url(cert.code)
    assert payload["validFrom"].startswith(cert.issued_on.isoformat())
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA" and header["kid"] == jwks["keys"][0]["kid"]
    head, body, _signature = token.split(".")
    for index in (len(head) + 1 + len(body) // 2, len(head) + len(body) + 2 + 10):
        with pytest.raises(jwt.InvalidTokenError):
            verify_with_pyjwt(flip(token, index), jwks)
    with pytest.raises(badges.CredentialInvalid):
        badges.verify(flip(token, len(head) + 5), jwks)


@pytest.mark.django_db(transaction=True)
def test_the_did_document_lists_the_same_key(live_server, cert):
    document = fetch(live_server.url + "/.well-known/did.json")
    assert document["id"] == keys.did()
    [method] = document["verificationMethod"]
    assert method["id"] == keys.signing_key().kid and document["assertionMethod"] == [method["id"]]
    key = jwt.PyJWK({**method["publicKeyJwk"]}, algorithm="EdDSA")
    jwt.decode(cert.credential, key.key, algorithms=["EdDSA"])


@pytest.mark.django_db(transaction=True)
def test_the_verify_command_works_offline_from_a_saved_jwks(live_server, cert, tmp_path):
    (tmp_path / "jwks.json").write_text(
        json.dumps(fetch(live_server.url + "/.well-known/jwks.json"))
    )
    (tmp_path / "c.jwt").write_text(cert.credential)
    from io import StringIO

    out = StringIO()
    call_command(
        "verify_credential", str(tmp_path / "c.jwt"), jwks=str(tmp_path / "jwks.json"), stdout=out
    )
    assert "VALID" in out.getvalue() and "นางสาวบุญมี ศรีสุข" in out.getvalue()
    (tmp_path / "bad.jwt").write_text(flip(cert.credential, len(cert.credential) - 5))
    with pytest.raises(CommandError, match="NOT VALID"):
        call_command(
            "verify_credential", str(tmp_path / "bad.jwt"), jwks=str(tmp_path / "jwks.json")
        )
    # the live URL works as well
    out = StringIO()
    call_command(
        "verify_credential",
        str(tmp_path / "c.jwt"),
        jwks=live_server.url + "/.well-known/jwks.json",
        stdout=out,
    )
    assert "VALID" in out.getvalue()


def test_another_key_does_not_verify(cert, settings, tmp_path):
    token = cert.credential
    settings.PLATFORM_SIGNING_KEY = keys.generate_pem().decode()
    with pytest.raises(badges.CredentialInvalid):
        badges.verify(token, keys.jwks())
