"""In Debian's chromium: staff make a rule, dry-run it, activate it, scan a feed live."""

import json

import pytest

from tests.support.factories import PASSWORD
from tests.support.live import browser_login

pytestmark = pytest.mark.browser


def test_staff_prove_activate_and_scan_a_feed_with_live_progress(page, make, tmp_path):
    staff = make.make_user("staff", name="Sam Staff")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser_login(page, staff.email, PASSWORD)

    page.click("a.nav-link[href='/queqiao/rules']")
    page.wait_for_url("**/queqiao/rules")
    page.click("text=New rule")
    page.fill("#name", "Gucci 1:1 bags")
    page.fill("#all_terms", "GUCCI")
    page.fill("#any_terms", "1:1\n高仿")
    page.fill("#none_terms", "专柜正品")
    page.fill("#max_price", "800")
    page.click("#rule-form button[type=submit], #rule-form input[type=submit]")
    page.wait_for_selector(".rule-status")
    assert "shadow" in page.locator(".rule-status").inner_text()
    rule_url = page.url

    page.click("text=Dry run")
    page.fill("#listings", "ＧＵＣＣＩ 高仿 马蒙包 | 300 | 广东\nGucci 专柜正品 高仿 | 300\nGucci 1:1 | 900")
    page.click("#dry-run-form input[type=submit]")
    results = page.locator("#dry-run-results tbody tr")
    assert results.count() == 3
    assert "Gucci 1:1 bags" in results.nth(0).inner_text()
    assert "no rule" in results.nth(1).inner_text()
    assert "no rule" in results.nth(2).inner_text()

    page.goto(rule_url)
    page.click("#status-activate button")
    page.wait_for_selector(".rule-status:has-text('active')")

    feed = tmp_path / "feed.jsonl"
    rows = [{"id": f"F{n}", "title": f"GUCCI 高仿 手提包 {n}" if n % 50 == 0 else f"普通 商品 {n}",
             "price": 30000, "seller_id": f"shop-{n % 7}", "region": "广东"}
            for n in range(20000)]
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    lines.insert(10, "{broken")
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.click("text=Feed uploads")
    page.set_input_files("#feed", str(feed))
    page.click("#feed-form input[type=submit]")
    page.wait_for_url("**/queqiao/feeds/*")
    page.wait_for_selector("#feed-done", state="visible", timeout=60_000)
    assert page.locator("#feed-bar").inner_text() == "100%"
    assert page.locator("#feed-hits").inner_text() == "400"
    assert "Line 11:" in page.locator("#bad-rows").inner_text()

    page.click("text=See the hits")
    assert page.locator("#hits tbody tr").count() == 200  # the page shows the newest 200
    assert errors == []
