"""Whatever JSON arrives, creating or reviewing a tip answers 201/200 or a 4xx, never a 500,
and a refused request writes nothing."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal.extensions import db
from queqiao.tips.models import Tip, TipEvent
from tests.queqiao.tipkit import make_tip, tip_data

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=30))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=10)
FIELDS = ("title", "description", "brand", "working_group", "sharing", "indicators", "status",
          "author_id")
indicator_bodies = st.fixed_dictionaries({}, optional={
    "keywords": json_values, "exclude": json_values, "max_price": json_values,
    "regions": json_values})
bodies = st.builds(lambda base, changes: {**base, **changes},
                   st.just(tip_data()),
                   st.dictionaries(st.sampled_from(FIELDS),
                                   st.one_of(json_values, indicator_bodies), max_size=4))

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


@FUZZ
@given(body=bodies)
def test_creating_never_fails_badly(people, api, body):
    before = count(Tip)
    r = api(people["member"]).post("/api/v1/tips", json=body)
    assert r.status_code in (201, 400, 422), (r.status_code, body)
    if r.status_code == 201:
        tip = db.session.get(Tip, r.get_json()["id"])
        assert tip.status == "submitted" and tip.author_id == people["member"].id
        assert count(Tip) == before + 1
    else:
        assert count(Tip) == before


@FUZZ
@given(body=st.dictionaries(st.sampled_from(("decision", "reason", "status")), json_values,
                            max_size=3))
def test_reviewing_never_fails_badly(people, api, body):
    tip = make_tip(people["member"])
    events = count(TipEvent)
    r = api(people["staff"]).post(f"/api/v1/tips/{tip.id}/review", json=body)
    assert r.status_code in (200, 400, 422), (r.status_code, body)
    if r.status_code != 200:
        assert count(TipEvent) == events
