"""In Debian's chromium: the dashboard draws its chart, and the report pages load, without
console errors (the strict Content-Security-Policy allows no inline script)."""

import pytest

from tests.reports.alliance import YEAR
from tests.support.factories import PASSWORD
from tests.support.live import browser_login, wait_until

pytestmark = pytest.mark.browser


def test_the_report_pages_in_a_browser(browser, live_server, known):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    browser_login(page, known["users"]["A"].email, PASSWORD)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.click("a.nav-link[href='/reports']")
    page.wait_for_url("**/reports")
    wait_until(page, "document.getElementById('trend-chart').width > 0")
    assert page.inner_text("#fig-tips-shared") == "6"
    page.click("text=Annual report")
    page.wait_for_selector("#report-title")
    # The year picker navigates once reports.js has bound it, which runs before "load".
    page.wait_for_load_state("load")
    page.select_option("#annual-year", str(YEAR - 1))
    page.wait_for_url(f"**/reports/annual/{YEAR - 1}")
    page.goto(f"/reports/brand/{known['orgs']['A'].id}?year={YEAR}")
    page.wait_for_selector("#tips-table")
    page.wait_for_load_state("networkidle")
    assert errors == []
    context.close()
