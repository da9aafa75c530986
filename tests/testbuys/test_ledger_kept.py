"""The ledger: worked out once per state of its costs and payments, read a page at a time."""

import pytest
from sqlalchemy import update

from portal import paging
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
    # Nor does what a reader's page does with its ledgers or payers reach the kept ones.
    books, payers = ledger.ledger_page(people["staff"])
    books["CNY"].balances.clear()
    payers.clear()
    assert ledger.ledger_page(people["staff"])[0]["CNY"].balances == everything.balances
    assert ledger.ledger_page(people["staff"])[1] == set(everything.balances)
    _books, partners = ledger.ledger_page(partner)
    partners.clear()
    assert ledger.ledger_page(partner)[1] == {people["member"].organisation_id}


@pytest.fixture
def three_companies(make, people):
    """Three member companies, named so that their order by name is known, sharing costs."""
    named = [make.make_user("member", make.make_org(name)) for name in ("Cedar", "alder", "Birch")]
    received(named[0], named[1], seller="seller-a", cost=30_000)
    received(named[2], named[1], seller="seller-b", cost=30_000)
    return named


def _names_in(page: str, table_id: str) -> list[str]:
    body = page[page.index(f'id="{table_id}"'):]
    body = body[:body.index("</table>")]
    return [name for name in ("alder", "Birch", "Cedar") if f"<td>{name}</td>" in body]


def test_staff_read_the_balances_a_page_at_a_time_by_name(three_companies, people, as_user,
                                                          monkeypatch):
    monkeypatch.setattr(paging, "PER_PAGE", 2)
    staff = as_user(people["staff"])
    first = staff.get("/test-purchases/ledger").get_data(as_text=True)
    assert _names_in(first, "balances-CNY") == ["alder", "Birch"]
    assert 'href="/test-purchases/ledger?page=2"' in first
    second = staff.get("/test-purchases/ledger?page=2").get_data(as_text=True)
    assert _names_in(second, "balances-CNY") == ["Cedar"]
    assert 'rel="prev" href="/test-purchases/ledger"' in second
    # Transfers are paged on their own, keeping the balances' page.
    transfers = staff.get("/test-purchases/ledger?page=2&transfers=2").get_data(as_text=True)
    assert _names_in(transfers, "balances-CNY") == ["Cedar"]
    beyond = staff.get("/test-purchases/ledger?page=9").get_data(as_text=True)
    assert "This page is past the end of the list." in beyond
    # The CSV has every balance.
    csv = staff.get("/test-purchases/ledger.csv").get_data(as_text=True)
    assert all(name in csv for name in ("alder", "Birch", "Cedar"))


def test_transfers_are_paged_apart_and_in_both_languages(three_companies, people, as_user,
                                                         monkeypatch):
    monkeypatch.setattr(paging, "PER_PAGE", 1)
    staff = as_user(people["staff"])
    first = staff.get("/test-purchases/ledger").get_data(as_text=True)
    lines = first[first.index('id="settlements-CNY"'):].split("</ul>")[0]
    assert lines.count("<li>") == 1 and "More transfers" in first
    assert 'href="/test-purchases/ledger?transfers=2"' in first
    second = staff.get("/test-purchases/ledger?transfers=2").get_data(as_text=True)
    assert second[second.index('id="settlements-CNY"'):].split("</ul>")[0] != lines
    staff.post("/profile/locale", data={"locale": "zh"})
    assert "更多转账" in staff.get("/test-purchases/ledger").get_data(as_text=True)


@pytest.mark.parametrize("query", ["page=0", "page=x", "transfers=-1"])
@pytest.mark.parametrize("with_costs", [True, False])
def test_a_page_that_is_no_page_is_refused_with_422(make, people, as_user, query, with_costs):
    if with_costs:
        received(people["member"], make.make_user("member"), cost=30_000)
    r = as_user(people["staff"]).get(f"/test-purchases/ledger?{query}")
    assert r.status_code == 422
