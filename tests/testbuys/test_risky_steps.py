"""The verdict has no default, closing asks first, and each step says what it did."""

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from testbuys import services
from testbuys.models import Authentication
from tests.testbuys.helpers import received


@pytest.fixture
def partner(make):
    """A person of a second member company."""
    return make.make_user("member", groups=("luxury-goods",))


def test_verdict_has_no_default_and_an_empty_one_is_refused(people, partner, as_user):
    p = received(people["member"], partner)
    client = as_user(partner)
    page = client.get(f"/test-purchases/{p.id}").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="authenticate-verdict".*?</select>', page,
                            re.S).group(0)
    assert "required" in select_html and "<option selected" not in select_html
    assert re.search(r'<select[^>]*><option value="">', select_html)
    r = client.post(f"/test-purchases/{p.id}/step/authenticate",
                    data={"authenticate-verdict": "", "authenticate-method": "hologram"})
    assert r.status_code == 422
    assert db.session.scalar(select(Authentication)) is None


def test_closing_asks_first_and_says_it_is_final(people, partner, as_user):
    p = received(people["member"], partner)
    services.authenticate(partner, p.id, verdict="counterfeit", method="hologram")
    client = as_user(people["member"])
    page = client.get(f"/test-purchases/{p.id}").get_data(as_text=True)
    form = re.search(r'<form[^>]*id="step-close"[^>]*>', page).group(0)
    assert "data-confirm=" in form and f"#{p.id}" in form
    done = client.post(f"/test-purchases/{p.id}/step/close",
                       data={"close-summary": "Fake."}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert f"Test purchase #{p.id} is closed" in text and "Saved." not in text
