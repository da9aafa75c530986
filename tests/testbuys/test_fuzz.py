"""Arbitrary JSON sent to the test-purchase API is answered, never with a 500."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.testbuys.helpers import propose

OK = {200, 201, 400, 403, 404, 409, 422}
SCALARS = (st.none() | st.booleans() | st.integers(min_value=-(10**20), max_value=10**20)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12)
           | st.sampled_from(["2026-13-45T10:00:00+00:00", "9999-12-31T23:59:59+14:00",
                              "0001-01-01T00:00:00-12:00", "2027-01-01T10:00:00+08:00",
                              "counterfeit", "luxury-goods", "\x00", "taobao"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(string.ascii_lowercase, max_size=8), inner,
                                        max_size=3), max_leaves=4)
FIELDS = ["platform", "seller_id", "listing_url", "working_group", "reason", "budget", "source",
          "weight", "scheduled_for", "purchaser_id", "order_number", "cost", "paid_by",
          "received_at", "notes", "verdict", "method", "summary", "taken_down",
          "seller_penalised", "value_involved", "from", "to", "amount", "note", "amount"]
BODIES = st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=6)
STEPS = ["participants", "schedule", "order", "receipt", "authentication", "close", "cancel",
         "outcome"]
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@FUZZ
@given(body=BODIES)
def test_proposals_never_fail_with_a_server_error(people, api, body):
    r = api(people["member"]).post("/api/v1/test-purchases", json=body)
    assert r.status_code in OK, (body, r.get_json())


@FUZZ
@given(step=st.sampled_from(STEPS), body=BODIES)
def test_steps_never_fail_with_a_server_error(people, api, step, body):
    member = people["member"]
    from portal.extensions import db
    from testbuys.models import TestPurchase

    purchase = db.session.query(TestPurchase).filter_by(seller_id="fuzz").first() or propose(
        member, "fuzz")
    r = api(member).post(f"/api/v1/test-purchases/{purchase.id}/{step}", json=body)
    assert r.status_code in OK, (step, body, r.get_json())


@FUZZ
@given(body=BODIES)
def test_settlements_never_fail_with_a_server_error(people, api, body):
    r = api(people["member"]).post("/api/v1/ledger/settlements", json=body)
    assert r.status_code in OK, (body, r.get_json())
