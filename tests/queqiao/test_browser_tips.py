"""In Debian's chromium: a member writes a tip with Chinese keywords and an evidence photo,
platform staff vet it, the author is told live and sees the history."""

import pytest

from tests.queqiao.tipkit import PNG
from tests.support.factories import PASSWORD
from tests.support.live import browser_login, wait_until

pytestmark = pytest.mark.browser



def test_member_shares_staff_vet_author_is_told_live(page, browser, live_server, make, tmp_path):
    member = make.make_user("member", name="Anna Member")
    staff = make.make_user("staff", name="Wang Fang")
    photo = tmp_path / "fake-stitching.png"
    photo.write_bytes(PNG)

    browser_login(page, member.email, PASSWORD)
    page.click("a.nav-link[href='/queqiao/tips']")
    page.wait_for_url("**/queqiao/tips")
    page.click("#new-tip")
    page.fill("#title", "高仿手袋：缝线不齐")
    page.fill("#brand", "Maison Lumière")
    page.select_option("#working_group", "luxury-goods")
    page.select_option("#sharing", "working_group")
    page.fill("#description", "正品的缝线**均匀**；假货每厘米针数不同。")
    page.fill("#keywords", "高仿包包\n原单, A货")
    page.fill("#exclude", "官方旗舰店")
    page.fill("#max_price", "1500")
    page.fill("#regions", "广东")
    page.set_input_files("#evidence", str(photo))
    page.click("#tip-form [type=submit]")
    page.wait_for_selector("#tip-title")
    tip_url = page.url
    assert "高仿包包" in page.locator("#tip-indicators").inner_text()
    assert page.locator("#tip-evidence img").count() == 1
    wait_until(page, "() => !!(window.portalSocket && window.portalSocket.connected)")

    staff_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    staff_page = staff_context.new_page()
    staff_page.set_default_timeout(10_000)
    browser_login(staff_page, staff.email, PASSWORD)
    staff_page.goto("/queqiao/vetting")
    staff_page.click("#vetting-queue a")
    staff_page.wait_for_selector("#review-form")
    staff_page.wait_for_load_state("load")  # the page's script binds the reason buttons
    staff_page.click(".reason-template >> nth=0")
    assert staff_page.input_value("#review-form textarea[name=reason]") == "Insufficient evidence"
    staff_page.fill("#review-form textarea[name=reason]", "")
    staff_page.check("#review-form input[value=accept]")
    staff_page.click("#review-form [type=submit]")
    staff_page.wait_for_selector(".tip-status[data-status=accepted]")
    staff_context.close()

    toast = page.wait_for_selector(".live-notification")
    assert "高仿手袋" in toast.inner_text()
    page.goto(tip_url)
    assert page.locator(".tip-status[data-status=accepted]").count() == 1
    history = page.locator("#tip-history").inner_text()
    assert "submitted the tip" in history and "accepted the tip" in history
    assert "Wang Fang" in history


def test_tip_pages_load_without_console_errors(page, make):
    from queqiao.tips import services
    from tests.queqiao.tipkit import tip_data

    member = make.make_user("member")
    tip = services.create_tip(member, tip_data())
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser_login(page, member.email, PASSWORD)
    for path in ("/queqiao/tips", "/queqiao/tips/new", f"/queqiao/tips/{tip.id}",
                 f"/queqiao/tips/{tip.id}/edit", f"/queqiao/tips/{tip.id}/feedback",
                 "/queqiao/track-record", "/queqiao/tips?q=高仿"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert errors == []


def test_feedback_chart_draws_the_weekly_series(page, make):
    from queqiao.tips import services
    from tests.queqiao.tipkit import tip_data

    member = make.make_user("member")
    tip = services.create_tip(member, tip_data())
    browser_login(page, member.email, PASSWORD)
    page.goto(f"/queqiao/tips/{tip.id}/feedback")
    assert page.evaluate("typeof Chart") == "function"
    # The live server has no feedback source here; give the page's script a series to draw.
    page.evaluate("""() => {
        const c = document.createElement('canvas');
        c.id = 'feedback-chart';
        c.dataset.series = JSON.stringify([{week: '2026-11-16', hits: 3, taken_down: 1,
                                            confirmed_counterfeit: 1}]);
        c.dataset.labelHits = 'Listings matched';
        document.querySelector('main').appendChild(c);
        const s = document.createElement('script');
        s.src = '/static/js/queqiao-feedback.js?again';
        document.body.appendChild(s);
    }""")
    wait_until(page, "() => !!Chart.getChart(document.getElementById('feedback-chart'))")
    data = page.evaluate("Chart.getChart(document.getElementById('feedback-chart')).data")
    assert data["labels"] == ["2026-11-16"] and data["datasets"][0]["data"] == [3]


def test_a_refused_tip_form_keeps_the_chosen_photo(page, make, tmp_path):
    member = make.make_user("member", name="Kim Keep", groups=("luxury-goods",))
    photo = tmp_path / "serial-label.png"
    photo.write_bytes(PNG)
    browser_login(page, member.email, PASSWORD)
    page.goto("/queqiao/tips/new")
    page.fill("#brand", "Maison Lumière")
    page.select_option("#working_group", "luxury-goods")
    page.fill("#description", "正品的序列号标签是压印的。")
    page.fill("#keywords", "高仿")
    page.set_input_files("#evidence", str(photo))
    page.click("#tip-form [type=submit]")  # no title: refused
    page.wait_for_selector("#title.is-invalid")
    assert "File kept: serial-label.png" in page.inner_text("#kept-evidence")
    page.fill("#title", "Serial label is printed, not embossed")
    page.click("#tip-form [type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".invalid-feedback").all_inner_texts() == []
    page.wait_for_selector("#tip-title")
    assert page.locator("#tip-evidence img").count() == 1
    assert "serial-label.png" in page.inner_text("#tip-evidence")
