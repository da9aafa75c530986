"""In Debian's chromium: one recommendation from draft to answered by four people, then a
member reads its timeline; the figures page draws its chart without console errors."""

import pytest

from tests.advisory import helpers
from tests.support.factories import PASSWORD
from tests.support.live import browser_login, wait_until

pytestmark = pytest.mark.browser


def _as(browser, live_server, user):
    """A fresh browser session signed in as `user`."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    browser_login(page, user.email, PASSWORD)
    return page


def test_four_people_walk_a_recommendation_from_draft_to_answered(browser, live_server, board):
    # 1. The chair of Luxury Goods drafts, submits and votes.
    chair = _as(browser, live_server, board["chair"])
    chair.click("a.nav-link[href='/recommendations']")
    chair.wait_for_url("**/recommendations")
    assert chair.locator(".empty-state").is_visible()
    chair.click("#new-recommendation")
    chair.fill("input[name=title]", "Verify sellers of luxury brands")
    chair.fill("textarea[name=summary]", "Ask for proof of authorised supply before listing.")
    chair.select_option("select[name=category]", "policy")
    chair.click("#recommendation-form [type=submit]")
    chair.wait_for_selector("#rec-status[data-status=draft]")
    url = chair.url
    asked = []
    chair.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    chair.click("form[action$='/submit'] button")
    chair.wait_for_timeout(300)
    assert chair.get_attribute("#rec-status", "data-status") == "draft"  # asked, said no
    chair.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    chair.click("form[action$='/submit'] button")
    chair.wait_for_selector("#rec-status[data-status=submitted]")
    assert len(asked) == 2 and "Every chair is notified" in asked[0]
    assert "is with the board; 2 chairs are notified" in chair.inner_text("main")
    # The vote has no default: casting it without a choice goes nowhere.
    chair.click("#vote-form [type=submit]")
    chair.wait_for_timeout(300)
    assert chair.locator("#vote-form select:invalid").count() == 1
    assert "0 of 3 chairs have voted" in chair.inner_text("#tally")
    chair.select_option("#vote-form select", "support")
    chair.fill("#vote-form input[name=vote-comment]", "Proof of supply is cheap to ask.")
    chair.click("#vote-form [type=submit]")
    chair.wait_for_selector("text=1 of 3 chairs have voted")

    # 2. Another chair (Pharmaceutical) co-signs and votes.
    other = _as(browser, live_server, board["chair2"])
    other.goto(url)
    other.click("form[action$='/cosign'] button")
    other.wait_for_selector("text=Co-signed by:")
    other.select_option("#vote-form select", "support")
    other.click("#vote-form [type=submit]")
    other.wait_for_selector("text=2 of 3 chairs have voted")

    # 3. The secretariat records the board's endorsement.
    admin = _as(browser, live_server, board["admin"])
    admin.goto(url)
    # The secretariat reads each chair's vote and comment before recording the decision.
    ballots = admin.inner_text("#ballots")
    assert board["chair"].name in ballots and "Proof of supply is cheap to ask." in ballots
    admin.select_option("#decision-form select", "endorsed")
    admin.fill("#decision-form textarea", "Endorsed with quorum.")
    admin.click("#decision-form [type=submit]")
    admin.wait_for_selector("#rec-status[data-status=endorsed]")

    # 4. Platform staff answer, with a rationale (an empty one is refused first).
    staff = _as(browser, live_server, board["staff"])
    staff.goto(url)
    staff.select_option("#response-form select", "accepted")
    staff.click("#response-form [type=submit]")
    staff.wait_for_selector("#response-form .invalid-feedback")
    staff.fill("#response-form textarea", "We will require proof of supply from March.")
    staff.click("#response-form [type=submit]")
    staff.wait_for_selector("#rec-status[data-status=answered]")

    # A member of the group reads the timeline.
    member = _as(browser, live_server, board["member"])
    member.goto("/recommendations")
    member.click("text=Verify sellers of luxury brands")
    steps = member.locator("#timeline .timeline-step")
    assert [steps.nth(i).get_attribute("data-action") for i in range(steps.count())] == [
        "create", "submit", "cosign", "endorse", "respond"]
    timeline = member.locator("#timeline").inner_text()
    for who in (board["chair"].name, board["admin"].name, board["staff"].name):
        assert who in timeline
    assert "We will require proof of supply" in member.locator("#response-rationale").inner_text()
    for page in (chair, other, admin, staff, member):
        page.context.close()


def test_figures_page_draws_its_chart_without_console_errors(browser, live_server, board):
    rec = helpers.endorsed(board["chair"], board["admin"], [board["chair2"], board["chair3"]])
    page = _as(browser, live_server, board["member"])
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/recommendations/figures")
    wait_until(page, "document.getElementById('figures-chart').width > 0")
    page.wait_for_load_state("networkidle")
    for path in ("/recommendations", f"/recommendations/{rec.id}"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert errors == []
    page.context.close()
