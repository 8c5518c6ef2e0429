import pytest

from pracharat.testing import BAN_KHLONG_MEM

pytestmark = pytest.mark.django_db


def get(client, url, **params):
    response = client.get(url, params)
    return response.status_code, response.json()


def test_provinces(client):
    status, rows = get(client, "/api/v1/geo/provinces")
    assert status == 200 and len(rows) == 77
    phitsanulok = next(r for r in rows if r["code"] == "65")
    assert (
        phitsanulok["name_th"] == "พิษณุโลก" and phitsanulok["region"]["name_th"] == "ภาคกลาง"
    )  # six-region scheme


def test_province_detail_lists_its_districts(client):
    status, body = get(client, "/api/v1/geo/provinces/65")
    assert status == 200 and body["name_en"] == "Phitsanulok"
    assert "6506" in {d["code"] for d in body["districts"]}
    assert len(body["districts"]) == 9


def test_unknown_and_malformed_province_share_the_error_shape(client):
    status, body = get(client, "/api/v1/geo/provinces/99")
    assert status == 404 and body["error"]["code"] == "not_found"
    status, body = get(client, "/api/v1/geo/provinces/abc")
    assert status == 422 and body["error"]["code"] == "invalid"


def test_districts_of_a_province(client):
    status, rows = get(client, "/api/v1/geo/districts", province="65")
    assert status == 200 and {r["code"][:2] for r in rows} == {"65"}
    assert "พรหมพิราม" in {r["name_th"] for r in rows}
    status, body = get(client, "/api/v1/geo/districts", province="6")
    assert status == 422 and body["error"]["details"][0]["loc"][-1] == "province"


def test_subdistricts_by_district_and_by_postcode(client):
    status, rows = get(client, "/api/v1/geo/subdistricts", district="6506")
    assert status == 200 and all(r["district_code"] == "6506" for r in rows)
    status, rows = get(client, "/api/v1/geo/subdistricts", postcode="65150")
    tha_chang = next(r for r in rows if r["code"] == "650602")
    assert tha_chang["name_th"] == "ท่าช้าง" and tha_chang["latitude"] == pytest.approx(16.976)
    status, rows = get(client, "/api/v1/geo/subdistricts")
    assert status == 200 and len(rows) == 7451


def test_villages_of_a_subdistrict(client, ban_khlong_mem):
    status, rows = get(client, "/api/v1/geo/villages", subdistrict="650602")
    assert status == 200
    assert rows == [
        {
            "code": BAN_KHLONG_MEM,
            "moo": 9,
            "name_th": "บ้านคลองเมม",
            "name_en": "Ban Khlong Mem",
            "subdistrict_code": "650602",
            "latitude": 16.9794,
            "longitude": 100.1702,
        }
    ]


@pytest.mark.parametrize(
    "q", ["65150", "6515", "ท่าช้าง", "Tha Chang", "ท่าช้าง พรหมพิราม", "tha chang phitsanulok"]
)
def test_address_autocomplete_finds_tha_chang(client, q):
    status, rows = get(client, "/api/v1/geo/address", q=q)
    assert status == 200
    match = next(r for r in rows if r["subdistrict"]["code"] == "650602")
    assert match["district"]["code"] == "6506" and match["province"]["code"] == "65"
    assert match["label_th"] == "ต.ท่าช้าง อ.พรหมพิราม จ.พิษณุโลก 65150"


def test_address_autocomplete_in_bangkok_uses_khwaeng(client):
    status, rows = get(client, "/api/v1/geo/address", q="10200")
    assert status == 200 and rows and rows[0]["label_th"].startswith("แขวง")


def test_address_autocomplete_is_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get("/api/v1/geo/address", {"q": "เมือง"})


def test_openapi_document_is_valid(client):
    from schemathesis.openapi import from_dict

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    from_dict(document).validate()
    assert "/api/v1/geo/subdistricts" in document["paths"]


def test_docs_page(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200


def test_unknown_api_path_answers_in_the_error_shape(client):
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
