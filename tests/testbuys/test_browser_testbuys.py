"""In Debian's chromium: two companies run a joint buy from proposal to closed."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.factories import PASSWORD
from tests.support.live import browser_login
from tests.testbuys.helpers import PNG

pytestmark = pytest.mark.browser


def _submit(page, form_id: str) -> None:
    page.click(f"#{form_id} button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_two_companies_plan_a_joint_buy_through_to_closed(browser, live_server, make, tmp_path):
    alice = make.make_user("member", name="Alice Brand", groups=("luxury-goods",))
    bob = make.make_user("member", name="Bob Brand", groups=("luxury-goods",))
    photo = tmp_path / "label.png"
    photo.write_bytes(PNG)
    errors: list[str] = []
    pages = {}
    for who, user in (("a", alice), ("b", bob)):
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        pages[who] = context.new_page()
        pages[who].set_default_timeout(10_000)
        pages[who].on("pageerror", lambda e: errors.append(str(e)))
        browser_login(pages[who], user.email, PASSWORD)
    a, b = pages["a"], pages["b"]

    a.goto("/test-purchases")
    a.click("#propose-link")
    a.fill("#platform", "taobao")
    a.fill("#seller_id", "browser-seller")
    a.fill("#listing_url", "https://item.example/browser")
    a.fill("#budget", "500.00")
    a.select_option("#working_group", "luxury-goods")  # Bob's company is in it: joins at once
    _submit(a, "propose-form")
    a.wait_for_selector("#custody-badge")
    purchase_url = a.url

    b.goto("/test-purchases/new")
    b.fill("#platform", "taobao")
    b.fill("#seller_id", "browser-seller")
    _submit(b, "propose-form")
    assert "Already targeted" in b.inner_text("#duplicate-offer")
    b.fill("#duplicate-offer input[name=weight]", "2")
    b.click("#join-instead")
    b.wait_for_url(purchase_url)

    a.goto(purchase_url)
    when = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    a.fill("#schedule-scheduled_for", when)
    a.select_option("#schedule-purchaser_id", str(alice.id))
    _submit(a, "step-schedule")
    a.fill("#order-order_number", "TB-2026-1")
    a.fill("#order-cost", "100.01")
    _submit(a, "step-order")
    _submit(a, "step-receive")
    assert a.get_attribute("[data-status]", "data-status") == "received"

    b.goto(purchase_url)
    b.set_input_files("#evidence-form input[type=file]", str(photo))
    b.fill("#evidence-form #description", "label under UV light")
    _submit(b, "evidence-form")
    assert "label.png" in b.inner_text("#evidence-list")
    b.select_option("#authenticate-verdict", "counterfeit")
    b.fill("#authenticate-method", "UV label check")
    b.fill("#authenticate-notes", "wrong hologram")
    _submit(b, "step-authenticate")
    assert "counterfeit" in b.inner_text("#verdict")

    a.goto(purchase_url)
    a.fill("#close-summary", "Counterfeit confirmed, listing reported.")
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    before = a.get_attribute("[data-status]", "data-status")
    a.once("dialog", lambda d: answer(d, False))
    _submit(a, "step-close")  # closing is final: a dismissed question leaves it open
    assert a.get_attribute("[data-status]", "data-status") == before != "closed"
    a.once("dialog", lambda d: answer(d, True))
    _submit(a, "step-close")
    assert a.get_attribute("[data-status]", "data-status") == "closed"
    assert all("become final" in q for q in questions) and len(questions) == 2
    assert "is closed; its verdict and cost shares are final" in a.inner_text("main")
    assert a.get_attribute("#custody-badge", "data-ok") == "yes"

    b.goto(purchase_url)
    shares_a, shares_b = a.inner_text("#shares tbody"), b.inner_text("#shares tbody")
    assert shares_a == shares_b
    assert "¥33.34" in shares_a and "¥66.67" in shares_a

    a.goto("/test-purchases/reports")
    a.wait_for_selector("canvas.tp-chart")
    assert a.evaluate("document.querySelectorAll('canvas.tp-chart').length") == 3
    assert errors == []


def test_dragging_a_buy_to_another_day_reschedules_it(page, make):
    from portal.extensions import db
    from testbuys.models import TestPurchase
    from tests.testbuys.helpers import scheduled

    member = make.make_user("member", name="Dora Drag")
    p = scheduled(member, seller="drag-seller")
    day = p.scheduled_for.date()
    target = day + timedelta(days=1)
    if target.month != day.month:
        target = day - timedelta(days=1)
    browser_login(page, member.email, PASSWORD)
    page.goto(f"/test-purchases/calendar?date={day.isoformat()}")
    page.drag_and_drop(f"[data-reschedule-url='/test-purchases/{p.id}/reschedule']",
                       f"td[data-day='{target.isoformat()}']")
    page.wait_for_selector(f"td[data-day='{target.isoformat()}'] .tp-item")
    db.session.expire_all()
    moved = db.session.get(TestPurchase, p.id).scheduled_for
    assert moved.date() == target and moved.time() == p.scheduled_for.time()


def test_rescheduling_only_the_day_keeps_the_saved_buyer(page, make):
    from portal.extensions import db
    from testbuys.models import TestPurchase
    from tests.testbuys.helpers import later, scheduled

    member = make.make_user("member", name="Zoe Buyer")
    # a colleague whose name comes first in the buyer list
    make.make_user("member", member.organisation, name="Aaron Aardvark")
    p = scheduled(member, seller="keep-buyer-seller")
    browser_login(page, member.email, PASSWORD)
    page.goto(f"/test-purchases/{p.id}")
    assert page.input_value("#schedule-purchaser_id") == str(member.id)
    page.fill("#schedule-scheduled_for", later(9).strftime("%Y-%m-%dT%H:%M"))
    page.click("#step-schedule button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Zoe Buyer buys" in page.inner_text("main")
    db.session.expire_all()
    assert db.session.get(TestPurchase, p.id).purchaser_id == member.id
