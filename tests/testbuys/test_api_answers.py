"""The answers of the test-purchase and ledger API are what the OpenAPI document says.

The contract run only meets the states the demo alliance holds; here a purchase is driven
through every step (join requests, verdicts awaited and given, evidence, outcome, a
broken custody chain, settlements) and each real answer is validated against the schema
the served document gives for its operation and status, with $refs resolved against its
components. Objects are held to the fields they name: a key the document does not
describe fails as surely as a missing or mistyped one.
"""

import io
import re

import pytest
from sqlalchemy import text

from portal.extensions import db
from testbuys import services
from testbuys.custody import ProblemKind
from testbuys.lifecycle import LIFECYCLE
from testbuys.models import VERDICTS
from tests.support.documented import problems, served_document
from tests.testbuys.helpers import PNG, later, propose

BASE = "/api/v1/test-purchases"


class Contract:
    """The served document, and a check of one answer against it."""

    def __init__(self, client):
        self.document = served_document(client)
        self.paths = self.document["paths"]
        self.seen: set[tuple[str, str, str]] = set()

    def _template(self, path: str, method: str) -> str:
        path = path.split("?", 1)[0].removeprefix("/api/v1")
        for template, operations in self.paths.items():
            params = {p["name"]: p["schema"].get("type") for p in
                      operations.get(method, {}).get("parameters", []) if p["in"] == "path"}
            pattern = re.sub(r"\{(\w+)\}", lambda m, types=params: r"\d+" if types.get(
                m.group(1)) == "integer" else "[^/]+", template)
            if method in operations and re.fullmatch(pattern, path):
                return template
        raise AssertionError(f"{method.upper()} {path} is not in the document")

    def check(self, response, method: str, path: str):
        """The answer's body, once it is valid against its documented schema."""
        template = self._template(path, method)
        code = str(response.status_code)
        found = problems(self.document, method, template, response)
        assert not found, f"{method.upper()} {template} {code}: {found}"
        body = response.get_json()
        self.seen.add((method, template, code))
        return body


class Caller:
    """An API client whose every answer is checked against the document."""

    def __init__(self, client, contract: Contract):
        self.client, self.contract = client, contract

    def __getattr__(self, method):
        def call(path, *args, expect=None, **kwargs):
            response = getattr(self.client, method)(path, *args, **kwargs)
            if expect is not None:
                assert response.status_code == expect, response.get_json()
            return self.contract.check(response, method, path)
        return call

    def upload(self, path, **data):
        response = self.client._call("post", path, None, data=data,
                                     content_type="multipart/form-data")
        assert response.status_code == 201, response.get_json()
        return self.contract.check(response, "post", path)


@pytest.fixture
def contract(client):
    return Contract(client)


@pytest.fixture
def caller(api, contract):
    return lambda user: Caller(api(user), contract)


@pytest.fixture
def partner(make):
    """A person of a second member company of the luxury-goods group."""
    return make.make_user("member", groups=("luxury-goods",))


def test_the_documented_lists_are_the_portals():
    from testbuys.schemas import SCHEMAS

    assert set(SCHEMAS["TestPurchaseStatus"]["enum"]) == LIFECYCLE.states
    assert SCHEMAS["Verdict"]["enum"] == list(VERDICTS)
    kinds = SCHEMAS["CustodyCheck"]["properties"]["problems"]["items"]["properties"]["kind"]
    assert kinds["enum"] == [str(k) for k in ProblemKind]


def test_a_joint_buy_answers_as_documented_at_every_step(people, partner, caller, contract):
    member, other, outsider = caller(people["member"]), caller(partner), caller(people["outsider"])
    staff = caller(people["staff"])
    p = member.post(BASE, json={"platform": "taobao", "seller_id": "shop-9",
                                "working_group": "luxury-goods", "reason": "replica bags",
                                "budget": {"amount": 90_000}}, expect=201)
    pid, one = p["id"], f"{BASE}/{p['id']}"
    assert p["may_steer"] is True and p["join_requests"] == []
    assert other.get(one)["would_pay"] == {"amount": 45_000, "currency": "CNY"}
    assert outsider.post(f"{one}/participants", json={}, expect=202)["status"] == "requested"
    requests = member.get(one)["join_requests"]
    assert [r["organization"]["id"] for r in requests] == [people["outsider"].organisation_id]
    member.post(f"{one}/participants/{people['outsider'].organisation_id}/approve", expect=200)
    assert outsider.delete(f"{one}/participants", expect=200) == {"id": pid, "left": True}
    other.post(f"{one}/participants", json={"weight": 2}, expect=201)
    member.post(f"{one}/schedule", json={"scheduled_for": later().isoformat(),
                                         "purchaser_id": people["member"].id}, expect=200)
    member.post(f"{one}/order", json={"order_number": "TB-9", "cost": 9_000}, expect=200)
    received = member.post(f"{one}/receipt", json={"notes": "sealed"}, expect=200)
    assert len(received["awaiting_verdicts"]) == 2
    member.upload(f"{one}/evidence", file=(io.BytesIO(PNG), "box.png"), description="box")
    judged = other.post(f"{one}/authentication", json={"verdict": "counterfeit",
                                                       "method": "label"}, expect=200)
    assert len(judged["authentications"]) == 1 and len(judged["awaiting_verdicts"]) == 1
    member.post(f"{one}/authentication", json={"verdict": "genuine", "method": "x"}, expect=200)
    member.post(f"{one}/outcome", json={"taken_down": True, "value_involved": 1_000},
                expect=200)
    closed = member.post(f"{one}/close", json={"summary": "confirmed"}, expect=200)
    assert closed["status"] == "closed" and closed["evidence"][0]["stage"] == "received"
    assert staff.get(one, expect=200)["custody_check"]["ok"] is True
    assert member.get(f"{one}/custody", expect=200)["problems"] == []
    assert member.get(BASE, expect=200)["items"][0]["id"] == pid
    assert member.get(f"{BASE}/targets?platform=taobao&seller_id=shop-9")["open"] is False
    report = member.get(f"{BASE}/reports", expect=200)
    assert report["by_status"] == {"closed": 1} and report["counterfeit_rate"] == 1
    ledger = staff.get("/api/v1/ledger", expect=200)
    assert ledger["balances"] and ledger["settlements"]
    move = ledger["settlements"][0]
    payment = member.post("/api/v1/ledger/settlements", expect=201, json={
        "from": move["from"]["id"], "to": move["to"]["id"], "amount": move["amount"]})
    assert payment["amount"] == move["amount"]
    assert staff.get("/api/v1/ledger", expect=200) == {"balances": [], "settlements": []}
    wanted = {("get", "/test-purchases", "200"), ("post", "/test-purchases", "201"),
              ("get", "/test-purchases/reports", "200"), ("get", "/ledger", "200"),
              ("post", "/ledger/settlements", "201"),
              ("get", "/test-purchases/{purchase_id}/custody", "200"),
              ("post", "/test-purchases/{purchase_id}/evidence", "201"),
              ("delete", "/test-purchases/{purchase_id}/participants", "200")}
    assert wanted <= contract.seen


def test_a_broken_chain_answers_as_documented(people, caller):
    member = caller(people["member"])
    p = propose(people["member"], budget=(5_000, "CNY"))
    db.session.execute(text("UPDATE test_purchase_custody SET why = 'nothing happened' "
                            "WHERE purchase_id = :p AND seq = 1"), {"p": p.id})
    db.session.execute(text("UPDATE test_purchases SET budget_amount = 1 WHERE id = :p"),
                       {"p": p.id})
    db.session.commit()
    check = member.get(f"{BASE}/{p.id}/custody", expect=200)
    assert check["ok"] is False and check["first_broken"] == 1
    kinds = {x["kind"] for x in check["problems"]}
    assert {"hash", "state"} <= kinds
    assert any(x["fact"] for x in check["problems"])
    assert member.get(f"{BASE}/{p.id}", expect=200)["custody_check"] == check


def test_a_fresh_proposal_without_budget_answers_its_nulls(people, caller):
    staff, joiner = caller(people["staff"]), caller(people["chair"])
    p = propose(people["member"])  # no budget, no purchaser yet
    seen = staff.get(f"{BASE}/{p.id}", expect=200)
    assert seen["purchaser"] is None and seen["paid_by"] is None
    assert seen["budget"] is None and seen["shares"] == [] and "join_requests" in seen
    assert joiner.get(f"{BASE}/{p.id}", expect=200)["would_pay"] is None
    services.schedule(people["staff"], p.id, scheduled_for=later(),
                      purchaser_id=people["staff"].id)
    seen = staff.get(f"{BASE}/{p.id}", expect=200)
    assert seen["purchaser"]["organization"]["id"] == people["staff"].organisation_id
    assert seen["paid_by"]["id"] == people["staff"].organisation_id
