"""One open purchase per platform and seller, enforced by the database even under races."""

import threading

import pytest
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import utcnow
from testbuys.models import TestPurchase
from tests.support.fixtures import api_for

BODY = {"platform": "jd", "seller_id": "race-seller", "reason": "same target"}


def test_three_concurrent_proposals_yield_one_purchase_and_two_conflicts(app, make):
    people = [make.make_user("member") for _ in range(3)]
    clients = [api_for(app.test_client(), p) for p in people]
    barrier = threading.Barrier(3)
    answers = []

    def propose(client):
        barrier.wait()
        r = client.post("/api/v1/test-purchases", json=BODY)
        answers.append((r.status_code, r.get_json()))

    threads = [threading.Thread(target=propose, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = sorted(code for code, _body in answers)
    assert codes == [201, 409, 409], answers
    winner = next(body["id"] for code, body in answers if code == 201)
    for code, body in answers:
        if code == 409:
            assert body["error"]["code"] == "duplicate_target"
            assert body["error"]["existing_id"] == winner
    db.session.expire_all()
    assert db.session.query(TestPurchase).filter_by(seller_id="race-seller").count() == 1


def _row(user, status="proposed"):
    now = utcnow()
    return TestPurchase(platform="jd", seller_id="dup", status=status, proposed_by_id=user.id,
                        proposer_org_id=user.organisation_id, created_at=now, updated_at=now)


def test_the_database_refuses_a_second_open_purchase_for_a_seller(app, make):
    user = make.make_user("member")
    db.session.add(_row(user))
    db.session.commit()
    db.session.add(_row(user))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # closed and cancelled purchases do not count
    db.session.add_all([_row(user, "closed"), _row(user, "cancelled"), _row(user, "closed")])
    db.session.commit()
