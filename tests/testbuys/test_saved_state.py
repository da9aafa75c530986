"""Forms of a purchase start from what was saved: the reschedule form keeps the buyer, the
outcome form after closing shows the recorded outcome."""

import re

import pytest

from portal.extensions import db
from testbuys import services
from testbuys.models import TestPurchase
from tests.testbuys.helpers import later, received, scheduled


@pytest.fixture
def partner(make):
    """A person of a second member company."""
    return make.make_user("member", groups=("luxury-goods",))


def _selected(page: str, select_name: str) -> str | None:
    block = re.search(rf'<select[^>]*name="{select_name}".*?</select>', page, re.S).group(0)
    chosen = re.search(r'<option selected value="([^"]*)"', block)
    return chosen.group(1) if chosen else None


def test_reschedule_form_starts_from_the_saved_buyer_and_day(people, partner, make, as_user):
    # someone whose name sorts first, so the first option is not the saved buyer
    make.make_user("member", people["member"].organisation, name="Aaron Aardvark")
    p = scheduled(people["member"], partner)
    buyer = people["member"].id
    page = as_user(people["member"]).get(f"/test-purchases/{p.id}").get_data(as_text=True)
    assert _selected(page, "schedule-purchaser_id") == str(buyer)
    assert f'value="{p.scheduled_for.strftime("%Y-%m-%dT%H:%M")}"' in page


def test_changing_only_the_day_keeps_the_buyer(people, partner, make, as_user):
    make.make_user("member", people["member"].organisation, name="Aaron Aardvark")
    p = scheduled(people["member"], partner)
    c = as_user(people["member"])
    page = c.get(f"/test-purchases/{p.id}").get_data(as_text=True)
    r = c.post(f"/test-purchases/{p.id}/step/schedule", data={
        "schedule-scheduled_for": later(9).strftime("%Y-%m-%dT%H:%M"),
        "schedule-purchaser_id": _selected(page, "schedule-purchaser_id")})
    assert r.status_code == 303, re.findall(r'invalid-feedback">([^<]*)', r.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(TestPurchase, p.id).purchaser_id == people["member"].id


def test_outcome_form_after_closing_shows_the_saved_outcome(people, partner, as_user):
    p = received(people["member"], partner)
    services.authenticate(partner, p.id, verdict="counterfeit", method="hologram")
    services.record_outcome(people["member"], p.id, taken_down=True, seller_penalised=False,
                            value_involved=(1_234_500, "CNY"))
    services.close(people["member"], p.id, summary="Fake; listing removed.")
    page = as_user(people["member"]).get(f"/test-purchases/{p.id}").get_data(as_text=True)
    form = re.search(r'<form[^>]*id="outcome-form".*?</form>', page, re.S).group(0)
    assert re.search(r'<input checked[^>]*name="outcome-taken_down"', form)
    assert not re.search(r'<input checked[^>]*name="outcome-seller_penalised"', form)
    assert 'value="12345.00"' in form
