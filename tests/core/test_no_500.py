"""Bad input never answers 5xx: every API route and every page form, as a member and as staff,
with hostile bodies and query strings (deep nesting, lists, NUL and lone surrogates, huge
numbers, dates in year 9999, wrong types) and out-of-range pages.

One walk for each role; the walk is bounded (a few bodies per route) so it stays well under
a minute.
"""

import json
import re
import time

import pytest

from portal.api.openapi import document
from portal.extensions import db
from tests.support.fixtures import api_for, login

DEEP = 5000
HUGE = 2**63
NUL = "a\x00b"
SURROGATE = "a\ud800b"
FAR_DATE = "9999-12-31T23:59:59+00:00"
LEAVES = [NUL + SURROGATE, HUGE, [], {"x": [HUGE]}, FAR_DATE, {"amount": HUGE, "currency": "CNY"}]
RAW_BODIES = [  # (deep objects: test_deeply_nested_json_is_a_400_even_without_a_token)
    b"[" * DEEP + b"]" * DEEP,
    b"[{}]",
    b"\xff\xfe not utf-8",
]
QUERIES = ["page=99999999999999999999999", "page=1000000&per_page=200",
           "q=a%00b&status=%00&sort=%ED%A0%80&group=%00&kind=%00",
           "year=9999&from=9999-12-31&to=9999-12-31&since=9999-12-31&until=9999-12-31",
           "org=99999999999999999999&tip_id=99999999999999999999&rule_id=99999999999999999999"
           "&year=99999999999999999999&seller_id=%00&mode=%00&outcome=%00&brand=%00"]
TEXT_NAMES = ["title", "body", "description", "brand", "name", "note", "reason", "comment",
              "summary", "category", "working_group", "sharing", "keywords", "exclude",
              "regions", "position", "outcome", "decision", "status", "rationale", "location",
              "agenda", "minutes", "email", "password", "conditions", "q", "platform",
              "seller_id", "listing_url", "url", "order_number", "verdict", "method", "slug",
              "role", "organization", "kind", "ref", "level", "override", "locale", "all",
              "any", "none", "text", "label", "group", "groups", "country"]
NUMBER_NAMES = ["version", "cost", "budget", "amount", "weight", "price", "max_price",
                "progress", "tip_id", "rule_id", "days", "number", "milestone", "purchaser_id"]
DATE_NAMES = ["starts_at", "ends_at", "scheduled_for", "received_at", "target_date", "since",
              "until", "date"]
# (text, number, date) values of one hostile form each
FORMS = [(NUL, "9" * 400, "9999-12-31"), ("%ED%A0%80", str(HUGE), "9999-12-31T23:59"),
         ("-1", "-1", "0001-01-01")]


def _form(text: str, number: str, day: str) -> bytes:
    pairs = [(n, text) for n in TEXT_NAMES] + [(n, number) for n in NUMBER_NAMES] + [
        (n, day) for n in DATE_NAMES]
    return "&".join(f"{name}={value}" for name, value in pairs).encode()


SKIP_PAGE_POSTS = ("/logout",)


def _ids(people) -> dict[str, object]:
    """Real objects for the id routes, so the walk reaches past the 404."""
    from advisory import services as advisory
    from queqiao.rules import services as rules
    from tests.queqiao.tipkit import make_tip
    from tests.workinggroups.helpers import make_thread

    tip = make_tip(people["member"])
    rec = advisory.create(people["chair"], {"working_group": "luxury-goods", "title": "T",
                                            "summary": "S", "category": "policy"})
    rule = rules.create_rule(people["staff"], {"name": "R", "conditions": {"all": ["x"]}})
    thread = make_thread(people["member"])
    return {"tip_id": tip.id, "rec_id": rec.id, "rule_id": rule.id, "thread_id": thread.id,
            "post_id": thread.posts[0].id, "slug": "luxury-goods", "org_id": people["member"].organisation_id,
            "user_id": people["member"].id}


def _path(rule, ids: dict) -> str:
    values = {}
    for name in rule.arguments:
        values[name] = ids.get(name, "luxury-goods" if name == "slug" else
                               "x" if name in ("filename", "token", "action", "step") else 1)
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(value), path)
    return path


def _fill(schema: dict, leaf, depth: int = 0):
    """A body shaped like the schema, every leaf `leaf` (objects and arrays kept)."""
    if depth > 4:
        return leaf
    if schema.get("type") == "object" or "properties" in schema:
        return {name: _fill(sub, leaf, depth + 1)
                for name, sub in (schema.get("properties") or {}).items()} or {"x": leaf}
    if schema.get("type") == "array":
        return [_fill(schema.get("items") or {}, leaf, depth + 1)]
    return leaf


def _body_schema(op: dict) -> dict:
    content = (op.get("requestBody") or {}).get("content") or {}
    return (content.get("application/json") or {}).get("schema") or {}


def _api_bodies(op: dict) -> list[bytes]:
    schema = _body_schema(op)
    names = list((schema.get("properties") or {}).keys()) or ["title", "body"]
    bodies = list(RAW_BODIES)
    for leaf in LEAVES:
        bodies.append(json.dumps({n: leaf for n in names}).encode())
        bodies.append(json.dumps(_fill(schema, leaf)).encode())
    return list(dict.fromkeys(bodies))


def _fails(response) -> bool:
    return response.status_code >= 500


def _assert_none(failures: list[str]) -> None:
    assert failures == [], "\n".join(failures[:60])


@pytest.fixture
def walk(app, people, monkeypatch):
    from portal.extensions import limiter

    app.config["PROPAGATE_EXCEPTIONS"] = False
    # Rate limits would answer 429 long before the walk ends, and it would prove nothing.
    monkeypatch.setattr(limiter, "enabled", False)
    ids = _ids(people)
    db.session.commit()
    return ids


@pytest.mark.parametrize("role", ["member", "staff"])
def test_no_api_route_answers_5xx_to_hostile_input(app, people, walk, role):
    started = time.monotonic()
    user = people[role]
    operations = document()["paths"]
    failures = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: "DELETE" in r.methods):
        if not rule.rule.startswith("/api/v1/"):
            continue
        api_path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        path = _path(rule, walk)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            # A fresh token for each route: revoking or signing out must not end the walk.
            client = api_for(app.test_client(), user)
            headers = {"Authorization": f"Bearer {client.token}"}
            call = getattr(client.client, method.lower())
            if method == "GET":
                for query in QUERIES:
                    r = call(f"{path}?{query}", headers=headers)
                    if _fails(r):
                        failures.append(f"GET {path}?{query[:60]} -> {r.status_code}")
                continue
            op = operations.get(api_path, {}).get(method.lower(), {})
            for body in _api_bodies(op):
                r = call(path, data=body, headers={**headers, "Content-Type": "application/json"})
                if _fails(r):
                    failures.append(f"{method} {path} {body[:80]!r} -> {r.status_code}")
    _assert_none(failures)
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("role", ["member", "staff"])
def test_no_page_answers_5xx_to_hostile_forms_and_queries(app, people, walk, role):
    started = time.monotonic()
    user = people[role]
    failures = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith(("/api/", "/static")):
            continue
        path = _path(rule, walk)
        methods = rule.methods - {"HEAD", "OPTIONS"}
        client = app.test_client()
        login(client, user)
        if "GET" in methods and not rule.arguments - {"slug"}:
            for query in QUERIES:
                r = client.get(f"{path}?{query}")
                if _fails(r):
                    failures.append(f"GET {path}?{query[:60]} -> {r.status_code}")
        if rule.rule in SKIP_PAGE_POSTS:
            continue
        for method in sorted(methods & {"POST", "PUT", "PATCH", "DELETE"}):
            for values in FORMS:
                r = client.open(path, method=method, data=_form(*values),
                                content_type="application/x-www-form-urlencoded")
                if _fails(r):
                    failures.append(f"{method} {path} {values[1][:20]!r} -> {r.status_code}")
    _assert_none(failures)
    assert time.monotonic() - started < 60


def test_deeply_nested_json_is_a_400_even_without_a_token(client):
    r = client.post("/api/v1/auth/tokens", data=b"[" * DEEP + b"]" * DEEP,
                    content_type="application/json")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "malformed_json"
    deep_object = b'{"email":' * DEEP + b'"x"' + b"}" * DEEP
    r = client.post("/api/v1/auth/tokens", data=deep_object, content_type="application/json")
    assert r.status_code == 400


def test_nesting_within_the_bound_is_still_read(client):
    body = {"email": "nobody@example.com", "password": "x", "extra": [[[[{"a": [1]}]]]]}
    assert client.post("/api/v1/auth/tokens", json=body).status_code == 401


def test_the_walk_reaches_real_objects(api, people, walk):
    # the id routes are exercised past their 404: the walk's objects exist and are visible
    member = api(people["member"])
    assert member.get(f"/api/v1/tips/{walk['tip_id']}").status_code == 200
    assert member.get(f"/api/v1/threads/{walk['thread_id']}").status_code == 200
    assert api(people["staff"]).get(f"/api/v1/rules/{walk['rule_id']}").status_code == 200


def test_named_hostile_inputs_get_their_4xx(api, people, walk):
    member, staff = api(people["member"]), api(people["staff"])
    from tests.queqiao.tipkit import tip_data

    price = {**tip_data()["indicators"], "max_price": {"amount": HUGE, "currency": "CNY"}}
    r = member.post("/api/v1/tips", json=tip_data(indicators=price))
    assert r.status_code == 422
    assert member.get("/api/v1/tips?q=a%00b").status_code == 200
    # The last day there is is a date like any other: nothing was shared since, and
    # everything until then.
    assert member.get("/api/v1/tips?since=9999-12-31").get_json()["total"] == 0
    assert member.get("/api/v1/tips?until=9999-12-31").status_code == 200
    assert member.get("/api/v1/tips?since=2026-02-30").status_code == 422
    raw = {"Content-Type": "application/json"}
    bearer = {"Authorization": f"Bearer {member.token}", **raw}
    r = member.client.post(f"/api/v1/threads/{walk['thread_id']}/posts",
                           data=b'{"body": "a\\ud800"}', headers=bearer)
    assert r.status_code == 422 and "body" in r.get_json()["error"]["fields"]
    chair = api(people["chair"])
    r = chair.client.post(f"/api/v1/recommendations/{walk['rec_id']}/withdraw", data=b"[1, 2]",
                          headers={"Authorization": f"Bearer {chair.token}", **raw})
    assert r.status_code == 400
    assert staff.get("/api/v1/rules?tip_id=99999999999999999999").status_code == 422


def test_the_audit_log_takes_hostile_filters_without_a_5xx(app, people, as_user):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    admin = as_user(people["admin"])
    for query in [*QUERIES, "page=99999999999999999999", "actor=99999999999999999999",
                  "since=9999-12-31&until=9999-12-31", "action=%00&object_type=%ED%A0%80"]:
        r = admin.get(f"/admin/audit?{query}")
        assert r.status_code < 500, query
    assert admin.get("/admin/audit?page=99999999999999999999").status_code == 422
    assert admin.get("/admin/audit?page=2").status_code == 200
