"""In Debian's chromium: the same custody log read in English and in Chinese."""

import json

import pytest

from tests.support.factories import PASSWORD
from tests.support.live import LIVE_CUSTODY_KEY, browser_login
from tests.testbuys.forgery import joint_counterfeit

pytestmark = pytest.mark.browser


def _reader(browser, live_server, user, locale):
    context = browser.new_context(base_url=live_server.url, locale=locale)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser_login(page, user.email, PASSWORD)
    return context, page, errors


def test_the_custody_log_reads_in_english_and_chinese(browser, live_server, app, people, make):
    # written here, verified by the server: its key, and its store of evidence files
    app.config["CUSTODY_KEY"] = LIVE_CUSTODY_KEY
    app.config["UPLOAD_FOLDER"] = str(live_server.log.parent / "uploads")
    purchase = joint_counterfeit(people)
    chinese_reader = make.make_user("member", people["member"].organisation, locale="zh",
                                    name="王芳")
    url = f"/test-purchases/{purchase.id}"

    english, en, en_errors = _reader(browser, live_server, people["member"], "en-GB")
    en.goto(url)
    assert en.get_attribute("#custody-badge", "data-ok") == "yes", en.inner_text("body")[:2000]
    log = en.inner_text("#custody-log")
    assert "Cost: ¥1,350.00" in log and "135000" not in log
    assert "Listing taken down: yes" in log and "True" not in log
    assert "Value involved: ¥60,000.00" in log
    assert ": counterfeit (method: Label and serial)" in log
    assert "UTC" in log and "Times in UTC." in en.inner_text("body")

    # the raw entry is folded away, and one click opens it
    order = en.locator("#custody-log tr.custody-entry").nth(3)
    raw = order.locator("details.custody-raw pre")
    assert not raw.is_visible()
    order.locator("details.custody-raw summary").click()
    assert raw.is_visible()
    entry = json.loads(raw.inner_text())
    assert {"fact": "cost", "amount": 135_000, "currency": "CNY"} in entry["facts"]
    assert entry["hash"] == purchase.custody[3].hash

    chinese, zh, zh_errors = _reader(browser, live_server, chinese_reader, "zh-CN")
    zh.goto(url)
    assert zh.get_attribute("#custody-badge", "data-ok") == "yes"
    log_zh = zh.inner_text("#custody-log")
    assert "费用：¥1,350.00" in log_zh
    assert "商品链接已下架：是" in log_zh and "卖家已受处罚：是" in log_zh
    assert "涉案金额：¥60,000.00" in log_zh
    assert "假货（方法：Label and serial）" in log_zh
    assert "Cost" not in log_zh and "Listing taken down" not in log_zh
    # the same entries, the same times, in both
    rows_en = en.locator("#custody-log tr.custody-entry time").all_inner_texts()
    rows_zh = zh.locator("#custody-log tr.custody-entry time").all_inner_texts()
    assert rows_en == rows_zh and len(rows_en) == len(purchase.custody)

    with zh.expect_download() as download:
        zh.click("#custody-checkpoint")
    from pathlib import Path

    kept = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert kept["heads"][0]["purchase"] == purchase.id
    assert kept["heads"][0]["hash"] == purchase.custody[-1].hash
    assert en_errors == [] and zh_errors == []
    english.close()
    chinese.close()
