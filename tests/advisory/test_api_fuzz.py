"""Whatever JSON arrives, the API answers with a clear error, never a 500 or a half-write."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.extensions import db
from tests.advisory import helpers

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=30)
    | st.sampled_from(["support", "endorsed", "accepted", "luxury-goods", "policy", "2027-01-01"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=6)
FIELDS = ("working_group", "title", "summary", "body", "category", "position", "comment",
          "outcome", "note", "rationale", "progress", "target_date", "kind", "ref", "version",
          "hide_tally")
bodies = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6)
ENDPOINTS = ("", "/{id}", "/{id}/submit", "/{id}/withdraw", "/{id}/votes", "/{id}/comments",
             "/{id}/cosign", "/{id}/decision", "/{id}/response", "/{id}/milestones",
             "/{id}/complete", "/{id}/close", "/{id}/links")
WHO = ("chair", "chair2", "admin", "staff", "member")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(ENDPOINTS), st.sampled_from(WHO), bodies)
def test_random_bodies_get_clear_answers(api, board, endpoint, who, body):
    rec = helpers.submitted(board["chair"])
    before = (rec.status, len(rec.events))
    path = "/api/v1/recommendations" + endpoint.format(id=rec.id)
    method = "patch" if endpoint == "/{id}" else "post"
    r = getattr(api(board[who]), method)(path, json=body)
    assert r.status_code in (200, 201, 400, 403, 404, 409, 422), (r.status_code, r.data)
    if r.status_code >= 400:
        error = r.get_json()["error"]
        assert error["code"] and error["message"]
        if r.status_code == 422:
            assert error["fields"]
        db.session.expire_all()
        assert (rec.status, len(rec.events)) == before
