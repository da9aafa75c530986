"""In Debian's chromium: an accepted tip becomes a rule that is dry-run, activated and
scanned against a feed with live progress; the tip's author then sees the hits."""

import json

import pytest

from tests.queqiao.tipkit import make_tip
from tests.support.factories import PASSWORD
from tests.support.live import browser_login

pytestmark = pytest.mark.browser


def test_tip_to_rule_to_feed_to_feedback(browser, live_server, page, make, tmp_path):
    staff = make.make_user("staff", name="Sam Staff")
    author = make.make_user("member", name="Mia Member")
    tip = make_tip(author, status="accepted", staff=staff)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser_login(page, staff.email, PASSWORD)

    page.click("nav a.dropdown-toggle:has-text('Queqiao')")
    page.click("nav a.dropdown-item[href='/queqiao/rules']")
    page.wait_for_url("**/queqiao/rules")
    page.click(f"#tips-awaiting-rules a[href='/queqiao/rules/new?tip_id={tip.id}']")
    assert page.input_value("#all_terms") == "Maison Lumière"
    assert page.input_value("#any_terms") == "高仿\n原单\nlumiere outlet"
    assert page.input_value("#max_price") == "1500.00"
    page.fill("#name", "Lumière replicas below cost")
    page.click("#rule-form [type=submit]")
    page.wait_for_selector(".rule-status")
    assert "shadow" in page.locator(".rule-status").inner_text()
    assert f"from tip {tip.id}" in page.content()
    rule_url = page.url

    page.click("text=Dry run")
    page.fill("#listings", "MAISON LUMIÈRE 高仿 手袋 | 300 | Guangdong\n"
                           "Maison Lumière 高仿 正品保证 | 300 | Guangdong\n"
                           "Maison Lumière 原单 | 1500.01 | Guangdong")
    page.click("#dry-run-form [type=submit]")
    results = page.locator("#dry-run-results tbody tr")
    assert results.count() == 3
    assert "Lumière replicas below cost" in results.nth(0).inner_text()
    assert "no rule" in results.nth(1).inner_text()
    assert "no rule" in results.nth(2).inner_text()

    page.goto(rule_url)
    # No known counterfeits of the brand yet: the page says so and takes an override.
    assert "known counterfeits of Maison Lumière" in page.locator("#proof-refusal").inner_text()
    page.check("#override")
    page.fill("#reason", "Fresh tip from the brand; corpus to follow")
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.click("#status-activate button")
    page.wait_for_selector(".rule-status:has-text('active')")
    assert asked and "live" in asked[0]
    assert "is live; it scans from the next feed." in page.inner_text("main")

    feed = tmp_path / "feed.jsonl"
    rows = [{"id": f"F{n}", "title": f"Maison Lumière 原单 手袋 {n}" if n % 50 == 0
             else f"普通 商品 {n}", "price": 30000, "seller_id": f"shop-{n % 7}",
             "region": "Guangdong"} for n in range(20000)]
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    lines.insert(10, "{broken")
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.click("text=Feed uploads")
    page.set_input_files("#feed", str(feed))
    page.click("#feed-form [type=submit]")
    page.wait_for_url("**/queqiao/feeds/*")
    page.wait_for_selector("#feed-done", state="visible", timeout=60_000)
    assert page.locator("#feed-bar").inner_text() == "100%"
    assert page.locator("#feed-hits").inner_text() == "400"
    assert "Line 11:" in page.locator("#bad-rows").inner_text()
    assert errors == []

    member_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    member_page = member_context.new_page()
    member_page.set_default_timeout(10_000)
    browser_login(member_page, author.email, PASSWORD)
    member_page.goto(f"/queqiao/tips/{tip.id}/feedback")
    assert member_page.locator("[data-figure=rules]").inner_text() == "1"
    assert member_page.locator("[data-figure=hits]").inner_text() == "400"
    assert member_page.locator("#feedback-chart").count() == 1
    assert member_page.goto("/queqiao/rules").status == 404  # a staff tool is not there for members
    member_context.close()
