"""The alliance's ledger is worked out once per state of its costs and payments."""

import pytest
from sqlalchemy import update

from portal.extensions import db
from testbuys import ledger
from testbuys.models import Participant
from tests.testbuys.helpers import received


@pytest.fixture
def partner(make):
    """A person of a second member company."""
    return make.make_user("member", groups=("luxury-goods",))


@pytest.fixture
def kept():
    """The kept ledgers, emptied before and after."""
    ledger._books.cache_clear()
    yield ledger._books
    ledger._books.cache_clear()


def test_the_same_costs_and_payments_are_worked_out_once(people, partner, kept):
    received(people["member"], partner, cost=30_000)
    first = ledger.ledgers()
    assert ledger.ledgers() == first
    assert (kept.cache_info().misses, kept.cache_info().hits) == (1, 1)
    # What a caller does with its copy never reaches the kept ledger.
    first["CNY"].balances.clear()
    first["CNY"].settlements.clear()
    again = ledger.ledgers()["CNY"]
    assert again.balances and again.settlements


def test_a_payment_or_a_new_share_is_in_the_very_next_ledger(people, partner, kept):
    member, other = people["member"], partner
    purchase = received(member, other, cost=30_000)
    before = ledger.ledgers()["CNY"]
    assert before.balances == {member.organisation_id: 20_000, other.organisation_id: -20_000}
    ledger.record_payment(people["staff"], from_org=other.organisation_id,
                          to_org=member.organisation_id, amount=(5_000, "CNY"))
    after_payment = ledger.ledgers()["CNY"]
    assert after_payment.balances == {member.organisation_id: 15_000,
                                      other.organisation_id: -15_000}
    # Weights changed behind the services' back (as a migration or a repair would) count too.
    db.session.execute(update(Participant).where(Participant.purchase_id == purchase.id)
                       .values(weight=1))
    db.session.commit()
    even = ledger.ledgers()["CNY"]
    assert even.balances == {member.organisation_id: 10_000, other.organisation_id: -10_000}
    assert kept.cache_info().misses == 3


def test_each_reader_sees_only_their_part_of_the_kept_ledger(people, partner, kept):
    received(people["member"], partner, cost=30_000)
    everything = ledger.ledgers_for(people["staff"])["CNY"]
    mine = ledger.ledgers_for(partner)["CNY"]
    assert set(everything.balances) == {people["member"].organisation_id,
                                        partner.organisation_id}
    assert mine.balances == {partner.organisation_id: -20_000}
    assert not ledger.ledgers_for(people["outsider"])["CNY"].balances
