"""The certificate's public pages, PDF, downloads, staff pages and the public API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pracharat.core.tests.pdf_tools import barcodes, page_image, pdf_text, words
from pracharat.learning import badges, certificates
from pracharat.learning.tests import certdata

pytestmark = pytest.mark.django_db

NAME = "นางสาวบุญมี ศรีสุข"


@pytest.fixture
def klass(ban_khlong_mem):
    return certdata.cohort(certdata.centre(ban_khlong_mem), sessions=4)


@pytest.fixture
def cert(klass, ban_khlong_mem):
    certdata.enrol(klass, certdata.learner(ban_khlong_mem, NAME), 4)
    [issued] = certificates.issue_certificates(klass)
    return issued


def test_the_pdf_gives_back_the_thai_name_and_course_and_its_qr(client, cert, thai):
    response = client.get(reverse("learning:certificate_pdf", args=[cert.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = words(pdf_text(response.content))
    assert NAME in text
    assert certdata.COURSE_TH in text and certdata.COURSE_EN in text
    assert cert.code in text
    assert "พ.ศ." in text or "25" in text  # a BE date
    assert str(cert.issued_on.year + 543) in text
    found = barcodes(page_image(response.content, dpi=150))
    assert ("QRCode", badges.verification_url(cert.code)) in found


def test_the_public_page_shows_only_name_course_date_and_issuer(client, cert, thai):
    with_phone = cert.enrolment.learner
    with_phone.phone = "0812345678"
    with_phone.save()
    response = client.get(reverse("learning:certificate", args=[cert.code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert NAME in html and certdata.COURSE_TH in html and cert.issuer_name in html
    assert "0812345678" not in html and "ban" not in html.lower().split("<main")[-1][:0]
    assert 'data-test="verdict"' in html and "revoked" not in html.split("<main")[-1].lower()[:0]


def test_a_revoked_certificate_says_so_and_offers_no_download(client, cert, thai):
    certificates.revoke_certificate(cert, "ออกให้ผิดคน")
    html = client.get(reverse("learning:certificate", args=[cert.code])).content.decode()
    assert "ถูกเพิกถอน" in html and "ออกให้ผิดคน" in html
    for name in ("certificate_pdf", "credential_jwt", "credential_json"):
        assert client.get(reverse(f"learning:{name}", args=[cert.code])).status_code == 404


def test_the_lookup_form_finds_a_typed_code(client, cert):
    typed = cert.code.lower().replace("-", " ")
    response = client.get(reverse("learning:certificate_lookup"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:certificate", args=[cert.code])
    missing = client.get(reverse("learning:certificate_lookup"), {"code": "ZZZZ-ZZZZ"})
    assert missing.status_code == 200 and "errorlist" in missing.content.decode()
    assert client.get("/learning/certificates/ZZZZ-ZZZZ/").status_code == 404


def test_the_credential_downloads(client, cert):
    jwt_response = client.get(reverse("learning:credential_jwt", args=[cert.code]))
    assert jwt_response.content.decode() == cert.credential
    assert "attachment" in jwt_response["Content-Disposition"]
    data = client.get(reverse("learning:credential_json", args=[cert.code])).json()
    assert data["credentialSubject"]["identifier"][0]["identityHash"] == NAME


def test_staff_issue_from_the_class_page(
    client,
    klass,
    ban_khlong_mem,
    phitsanulok_officer,
    chiangmai_officer,
    django_assert_max_num_queries,
):
    for i in range(5):
        certdata.enrol(klass, certdata.learner(ban_khlong_mem, f"ผู้เรียน {i}"), 4)
    url = reverse("learning:class_certificates", args=[klass.pk])
    client.force_login(chiangmai_officer)
    assert client.get(url).status_code == 404
    client.force_login(phitsanulok_officer)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert 'data-test="issue"' in page.content.decode()
    client.post(url)
    assert klass.enrolments.filter(certificate__isnull=False).count() == 5
    with django_assert_max_num_queries(12):
        listed = client.get(url).content.decode()
    assert listed.count("badge ok") == 5


def test_staff_revoke_from_the_page(client, cert, phitsanulok_officer, chiangmai_officer):
    url = reverse("learning:certificate_revoke", args=[cert.code])
    client.force_login(chiangmai_officer)
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(phitsanulok_officer)
    client.post(url, {"reason": "ผิดคน"})
    cert.refresh_from_db()
    assert cert.is_revoked and cert.revoked_reason == "ผิดคน"


# --- API ------------------------------------------------------------------------------------


def test_the_api_returns_only_the_public_fields(client, cert, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        data = client.get(f"/api/v1/learning/certificates/{cert.code}").json()
    assert data == {
        "code": cert.code,
        "holder_name": NAME,
        "course_title_th": certdata.COURSE_TH,
        "course_title_en": certdata.COURSE_EN,
        "issued_on": cert.issued_on.isoformat(),
        "issuer_name": cert.issuer_name,
        "revoked": False,
        "revoked_on": None,
        "revoked_reason": "",
    }
    assert client.get("/api/v1/learning/certificates/ZZZZ-ZZZZ").status_code == 404
    assert client.get("/api/v1/learning/certificates/nope").status_code == 422


def test_the_api_and_the_revocation_list_show_a_revocation(client, cert):
    status = client.get(f"/api/v1/learning/certificates/{cert.code}/revocations").json()
    assert status["revokedCredentials"] == []
    certificates.forget_holder(cert)
    data = client.get(
        f"/api/v1/learning/certificates/{cert.code}", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert data["revoked"] is True and data["holder_name"] == ""
    assert data["revoked_reason"] == "withdrawn by the holder"
    status = client.get(f"/api/v1/learning/certificates/{cert.code}/revocations").json()
    assert [c["id"] for c in status["revokedCredentials"]] == [badges.verification_url(cert.code)]


def test_centres_and_classes_are_counts_only(
    client, klass, cert, ban_khlong_mem, django_assert_max_num_queries
):
    for i in range(3):
        certdata.cohort(certdata.centre(ban_khlong_mem), number=10 + i)
    with django_assert_max_num_queries(2):
        centres = client.get("/api/v1/learning/centres", {"area": "65"}).json()
    assert centres["count"] == 1
    assert centres["items"][0]["classes"] == 4 and centres["items"][0]["learners"] == 1
    with django_assert_max_num_queries(2):
        classes = client.get("/api/v1/learning/classes", {"area": "6506"}).json()
    assert classes["count"] == 4
    mine = next(c for c in classes["items"] if c["id"] == klass.pk)
    assert mine["registered"] == 1 and mine["certificates"] == 1 and mine["sessions"] == 4
    body = str(centres) + str(classes)
    assert NAME not in body
    assert client.get("/api/v1/learning/centres", {"area": "50"}).json()["count"] == 0


def test_the_learner_s_own_page_and_the_class_page_link_the_certificates(
    client, cert, phitsanulok_officer
):
    from pracharat.learning import actions

    learner = cert.enrolment.learner
    key = actions.new_private_key()
    learner.token_hash = actions._key_hash(key)
    learner.save()
    own = client.get(reverse("learning:me", args=[key])).content.decode()
    assert reverse("learning:certificate", args=[cert.code]) in own
    client.force_login(phitsanulok_officer)
    manage = client.get(reverse("learning:manage", args=[cert.enrolment.cohort_id]))
    assert reverse("learning:class_certificates", args=[cert.enrolment.cohort_id]) in (
        manage.content.decode()
    )
