"""Tokens, /me, the working-group directory and the API's error format."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.accounts.models import ApiToken
from portal.extensions import db
from tests.support.factories import PASSWORD
from tests.support.fixtures import login


def test_token_for_valid_credentials(client, make):
    user = make.make_user("member")
    r = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD})
    assert r.status_code == 201
    body = r.get_json()
    assert body["token"].startswith("qq_")
    assert datetime.fromisoformat(body["expires_at"]) > datetime.now(UTC)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.get_json()["email"] == user.email


def test_token_is_stored_only_as_a_hash(client, make):
    user = make.make_user("member")
    secret = client.post("/api/v1/auth/tokens",
                         json={"email": user.email, "password": PASSWORD}).get_json()["token"]
    stored = db.session.scalars(db.select(ApiToken)).one()
    assert secret not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64


def test_wrong_password_is_a_401_json_error(client, make):
    user = make.make_user("member")
    r = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": "nope"})
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "bad_credentials"


def test_malformed_json_is_a_400(client):
    r = client.post("/api/v1/auth/tokens", data="{not json", content_type="application/json")
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "malformed_json"


def test_json_that_is_not_an_object_is_a_400(client):
    assert client.post("/api/v1/auth/tokens", json=[1, 2]).status_code == 400


def test_missing_fields_are_a_422_naming_each_field(client):
    r = client.post("/api/v1/auth/tokens", json={"email": ""})
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"email", "password"}


def test_token_lifetime_out_of_range_is_a_422(client, make):
    user = make.make_user("member")
    r = client.post("/api/v1/auth/tokens",
                    json={"email": user.email, "password": PASSWORD, "days": 9999})
    assert r.status_code == 422 and "days" in r.get_json()["error"]["fields"]


def test_repeated_bad_credentials_are_rate_limited(client, make):
    user = make.make_user("member")
    codes = [client.post("/api/v1/auth/tokens",
                         json={"email": user.email, "password": "x"}).status_code
             for _ in range(11)]
    assert codes[-1] == 429 and set(codes[:10]) == {401}
    assert client.post("/api/v1/auth/tokens", json={}).get_json()["error"]["code"] == "rate_limited"


@pytest.mark.parametrize("header", [None, "Bearer qq_not-a-real-token", "Basic abc", "Bearer "])
def test_no_or_bad_token_is_a_401(client, header):
    headers = {"Authorization": header} if header else {}
    r = client.get("/api/v1/me", headers=headers)
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "unauthorized"


def test_a_browser_session_does_not_authorise_the_api(client, make):
    login(client, make.make_user("member"))
    assert client.get("/home").status_code == 200
    assert client.get("/api/v1/me").status_code == 401


def test_revoked_and_expired_tokens_stop_working(api, as_user, make):
    user = make.make_user("member")
    a = api(user)
    assert a.get("/api/v1/me").status_code == 200
    token = db.session.scalars(db.select(ApiToken)).one()
    as_user(user).post(f"/profile/tokens/{token.id}/revoke")
    assert a.get("/api/v1/me").status_code == 401
    b = api(user)
    newest = db.session.scalars(db.select(ApiToken).order_by(ApiToken.id.desc())).first()
    newest.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert b.get("/api/v1/me").status_code == 401


def test_token_of_a_deactivated_person_stops_working(api, make):
    user = make.make_user("member")
    a = api(user)
    user.is_active_flag = False
    db.session.commit()
    assert a.get("/api/v1/me").status_code == 401


def test_me_describes_the_caller(api, make):
    chair = make.make_user("chair", chair_of="luxury-goods")
    body = api(chair).get("/api/v1/me").get_json()
    assert body["role"] == "chair"
    assert body["organization"]["name"] == chair.organisation.name
    assert body["working_groups"] == ["luxury-goods"]
    assert body["chair_of"] == ["luxury-goods"]
    assert "/profile/calendar/" in body["calendar_url"] and body["calendar_url"].endswith(".ics")


def test_working_groups_directory_lists_all_twelve_with_chairs(api, make, people):
    body = api(people["member"]).get("/api/v1/working-groups").get_json()
    assert body["total"] == 12 and len(body["items"]) == 12
    by_slug = {g["slug"]: g for g in body["items"]}
    assert {"luxury-goods", "pharmaceutical", "clothing-footwear"} <= set(by_slug)
    luxury = by_slug["luxury-goods"]
    assert luxury["chair"]["name"] == people["chair"].name
    names = {o["name"] for o in luxury["member_organizations"]}
    assert people["member"].organisation.name in names
    assert people["outsider"].organisation.name not in names
    assert by_slug["pharmaceutical"]["name_zh"] == "医药"


@pytest.mark.parametrize("role", ["member", "chair", "staff", "admin"])
def test_every_role_sees_the_directory(api, people, role):
    assert api(people[role]).get("/api/v1/working-groups").status_code == 200


def test_unknown_api_path_is_a_json_404(api, make):
    r = api(make.make_user("member")).get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_chinese_text_round_trips(api, make):
    user = make.make_user("member", name="王芳")
    assert api(user).get("/api/v1/me").get_json()["name"] == "王芳"


def test_me_is_as_documented(people, api, client):
    """A chair's answer (groups chaired, an organisation without a country) as documented."""
    from tests.support.documented import assert_documented

    people["chair"].organisation.country = None
    db.session.commit()
    document = client.get("/api/v1/openapi.json").get_json()
    me = assert_documented(document, "get", "/me", api(people["chair"]).get("/api/v1/me"), 200)
    assert me["chair_of"] == ["luxury-goods"] and me["organization"]["country"] is None
