import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from pracharat.accounts.models import Agency, ApiToken, User
from pracharat.testing import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(phitsanulok_officer):
    assert phitsanulok_officer.password.startswith("argon2$")


@pytest.mark.parametrize(
    "login_as",
    [
        "officer.phitsanulok@example.org",
        "OFFICER.Phitsanulok@example.org",
        "0812345678",
        "081-234-5678",
        "+66 81 234 5678",
    ],
)
def test_log_in_by_email_or_phone(client, phitsanulok_officer, login_as):
    response = login(client, login_as)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:me")
    assert client.get(reverse("accounts:me")).context["user"] == phitsanulok_officer


def test_wrong_password_says_so_in_thai_and_logs_nobody_in(client, phitsanulok_officer):
    response = login(client, "0812345678", "wrong")
    assert response.status_code == 200
    assert "รหัสผ่าน" in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_repeated_failures_lock_the_login_out(client, phitsanulok_officer, settings):
    formats = ["0812345678", "081-234-5678", "+66812345678"]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, formats[attempt % 3], "wrong")  # one account, however it is typed
    response = login(client, "0812345678")  # even the right password is refused now
    assert response.status_code == 429
    assert not client.get(reverse("accounts:me")).wsgi_request.user.is_authenticated


def test_the_email_and_the_phone_of_one_account_share_one_lockout(
    client, phitsanulok_officer, settings
):
    email = phitsanulok_officer.email.upper()  # any case
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, email if attempt % 2 else "081 234 5678", "wrong")
    assert login(client, phitsanulok_officer.email).status_code == 429
    assert login(client, "0812345678").status_code == 429


def test_the_lockout_follows_the_client_behind_a_trusted_proxy(
    client, phitsanulok_officer, settings
):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    from django.test import Client

    behind = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(behind, "0812345678", "wrong")
    assert login(behind, "0812345678").status_code == 429
    # Another villager behind the same proxy is not locked out by the first one's mistakes.
    other = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert login(other, "0812345678").status_code == 302


def test_phone_numbers_are_stored_in_one_form(geography):
    user = User.objects.create_user(phone="+66 89 999 0000", password=PASSWORD, full_name="x")
    assert user.phone == "0899990000"


def test_pages_need_login(client):
    response = client.get(reverse("accounts:agencies"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


class TestAreaScoping:
    """A Phitsanulok officer sees nothing of Chiang Mai, by URL or by API."""

    def test_agency_list_shows_only_own_province(
        self, client, phitsanulok_officer, chiangmai_officer
    ):
        client.force_login(phitsanulok_officer)
        slugs = {a.slug for a in client.get(reverse("accounts:agencies")).context["agencies"]}
        assert "mdes-phitsanulok" in slugs and "mdes-chiangmai" not in slugs

    def test_other_province_agency_is_not_found_by_url(
        self, client, phitsanulok_officer, chiangmai_officer
    ):
        client.force_login(phitsanulok_officer)
        assert client.get(reverse("accounts:agency", args=["mdes-chiangmai"])).status_code == 404
        assert client.get(reverse("accounts:agency", args=["mdes-phitsanulok"])).status_code == 200

    def test_other_province_agency_is_not_found_by_api(
        self, client, phitsanulok_officer, chiangmai_officer
    ):
        _token, key = ApiToken.issue(phitsanulok_officer, "test")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        rows = client.get("/api/v1/accounts/agencies", **auth).json()
        assert {r["slug"] for r in rows} == {"mdes-phitsanulok"}
        response = client.get("/api/v1/accounts/agencies/mdes-chiangmai", **auth)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
        rows = client.get("/api/v1/accounts/agencies", {"area": "50"}, **auth).json()
        assert rows == []

    def test_the_inspector_sees_every_province(
        self, client, inspector, phitsanulok_officer, chiangmai_officer
    ):
        client.force_login(inspector)
        rows = client.get("/api/v1/accounts/agencies").json()
        assert {"mdes", "mdes-phitsanulok", "mdes-chiangmai"} <= {r["slug"] for r in rows}

    def test_visible_to_is_a_queryset_filter(
        self, phitsanulok_officer, chiangmai_officer, volunteer, buyer
    ):
        assert set(Agency.objects.visible_to(chiangmai_officer).values_list("slug", flat=True)) == {
            "mdes-chiangmai"
        }
        assert not Agency.objects.visible_to(buyer).exists()


class TestApiTokens:
    def test_api_needs_a_token(self, client):
        response = client.get("/api/v1/accounts/me")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"

    def test_bad_token_is_refused(self, client):
        response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION="Bearer pr_nope")
        assert response.status_code == 401

    def test_token_made_on_the_page_works_once_shown(self, client, phitsanulok_officer):
        client.force_login(phitsanulok_officer)
        response = client.post(reverse("accounts:create_token"), {"name": "dashboard"}, follow=True)
        message = next(str(m) for m in response.context["messages"])
        key = message.rsplit(" ", 1)[-1]
        token = ApiToken.objects.get()
        assert token.key_hash != key and key.startswith(token.prefix)
        client.logout()
        body = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()
        assert body["email"] == "officer.phitsanulok@example.org"
        assert body["memberships"] == [
            {"role": "provincial_officer", "agency": "mdes-phitsanulok", "area_code": "65"}
        ]

    def test_token_creation_is_audited(self, client, phitsanulok_officer):
        client.force_login(phitsanulok_officer)
        client.post(reverse("accounts:create_token"), {"name": "dashboard"})
        entry = LogEntry.objects.get_for_model(ApiToken).get()
        assert entry.actor == phitsanulok_officer and entry.action == LogEntry.Action.CREATE
        assert "key_hash" not in entry.changes_dict

    def test_empty_name_changes_nothing(self, client, phitsanulok_officer):
        client.force_login(phitsanulok_officer)
        client.post(reverse("accounts:create_token"), {"name": ""})
        assert not ApiToken.objects.exists()

    def test_csrf_is_enforced_on_forms(self, phitsanulok_officer):
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        strict.force_login(phitsanulok_officer)
        response = strict.post(reverse("accounts:create_token"), {"name": "x"})
        assert response.status_code == 403 and not ApiToken.objects.exists()


def test_a_malformed_area_is_a_422_not_a_500(client, phitsanulok_officer):
    """Regression: ``?area=6x`` raised BadAreaCode while the answer was serialised."""
    _token, key = ApiToken.issue(phitsanulok_officer, "test")
    for area in ("6x", "123", "６５"):
        response = client.get(
            "/api/v1/accounts/agencies", {"area": area}, HTTP_AUTHORIZATION=f"Bearer {key}"
        )
        assert response.status_code == 422, area
        assert response.json()["error"]["code"] == "invalid"
    ok = client.get("/api/v1/accounts/agencies", {"area": ""}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert ok.status_code == 200
