"""The on_authenticated hook: other packages learn of verdicts without this package knowing them."""

import pytest

from portal.errors import Forbidden, InvalidInput
from portal.extensions import db
from testbuys import hooks, services
from testbuys.models import TestPurchase
from tests.testbuys.helpers import received


@pytest.fixture
def heard():
    calls = []

    def listener(purchase, actor):
        calls.append((purchase.id, purchase.status, purchase.verdict, actor.id))

    hooks.on_authenticated(listener)
    hooks.on_authenticated(listener)  # subscribing twice still calls once
    yield calls
    hooks.off_authenticated(listener)


def test_a_verdict_is_told_to_listeners_once(people, heard):
    p = received(people["member"])
    services.authenticate(people["member"], p.id, verdict="genuine", method="serial")
    assert heard == [(p.id, "authenticated", "genuine", people["member"].id)]
    services.close(people["member"], p.id, summary="done")
    assert len(heard) == 1


def test_a_refused_verdict_is_not_told(people, heard):
    p = received(people["member"])
    with pytest.raises(Forbidden):  # staff are no participant
        services.authenticate(people["staff"], p.id, verdict="counterfeit", method="x")
    with pytest.raises(InvalidInput):
        services.authenticate(people["member"], p.id, verdict="fake", method="x")
    assert heard == []
    assert db.session.get(TestPurchase, p.id).verdict is None
