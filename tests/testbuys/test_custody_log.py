"""The custody log reads as evidence: money in its unit, words for booleans and outcomes,
times to the minute in a named zone, the reader's language, the raw entry one click away;
and its head can be downloaded, and is printed in the referral dossier, with its anchor."""

import json
import re

import pytest

from portal.extensions import db
from testbuys import services
from tests.testbuys.forgery import joint_counterfeit, rewrite, set_cost


@pytest.fixture
def purchase(people):
    """A joint counterfeit buy: two brands, order, receipt, photo, verdict, outcome."""
    return joint_counterfeit(people)


def readable(html: str) -> str:
    """The custody log's text as a reader sees it, without the folded raw entries."""
    start = html.index('id="custody-log"')
    table = html[start:html.index("</table>", start)]
    table = re.sub(r"<details.*?</details>", " ", table, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table))


def page(client, purchase_id):
    response = client.get(f"/test-purchases/{purchase_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_log_reads_in_english(purchase, as_user, people):
    html = page(as_user(people["member"]), purchase.id)
    text = readable(html)
    assert "Cost: ¥1,350.00" in text
    assert "135000" not in text and "CNY" not in text
    assert "Listing taken down: yes" in text and "Seller penalised: yes" in text
    assert "Value involved: ¥60,000.00" in text
    assert "Referral to law enforcement prepared: yes" in text
    assert "True" not in text and "False" not in text
    assert "Chair Co takes part with weight 2" in text
    assert "Verdict of " in text and ": counterfeit (method: Label and serial)" in text
    assert "Status: ordered" in text and "Order number: A-1" in text
    # to the minute, zone named; no seconds, no ISO 'T', no microseconds
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", text)
    assert not re.search(r"\d{2}:\d{2}:\d{2}", text) and "T0" not in text
    assert "Times in UTC." in html


def test_the_same_log_reads_in_chinese(purchase, as_user, people, make):
    reader = make.make_user("member", people["member"].organisation, locale="zh")
    text = readable(page(as_user(reader), purchase.id))
    assert "费用：¥1,350.00" in text
    assert "商品链接已下架：是" in text and "卖家已受处罚：是" in text
    assert "涉案金额：¥60,000.00" in text
    assert "状态：已下单" in text and "订单号：A-1" in text
    assert "的鉴定结论：假货（方法：Label and serial）" in text
    assert "Cost" not in text and "Listing taken down" not in text and "Status:" not in text
    assert "已下单" in text and "Order placed" not in text


def test_the_raw_entry_is_one_click_away(purchase, as_user, people):
    html = page(as_user(people["member"]), purchase.id)
    raws = re.findall(r'<code class="custody-json">(.*?)</code>', html,
                      flags=re.S)
    assert len(raws) == len(purchase.custody)
    import html as markup

    first = json.loads(markup.unescape(raws[0]))
    assert first["hash"] == purchase.custody[0].hash and first["version"] == 2
    assert first["previous_hash"] == "0" * 64
    order = json.loads(markup.unescape(raws[3]))
    assert {"fact": "cost", "amount": 135_000, "currency": "CNY"} in order["facts"]


def test_times_are_shown_in_the_readers_zone(purchase, as_user, people, app):
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Shanghai"
    entry = purchase.custody[0]
    from datetime import datetime, timedelta

    local = datetime.fromisoformat(entry.at) + timedelta(hours=8)
    html = page(as_user(people["member"]), purchase.id)
    assert f"{local:%Y-%m-%d %H:%M} UTC+08:00" in readable(html)
    assert "Times in UTC+08:00." in html


def test_an_outcome_taken_back_reads_as_no(purchase, as_user, people):
    services.record_outcome(people["member"], purchase.id, taken_down=False)
    text = readable(page(as_user(people["member"]), purchase.id))
    assert "Listing taken down: no" in text


def test_a_participant_who_left_reads_as_such(people, as_user):
    from tests.testbuys.helpers import propose

    p = propose(people["member"])
    services.join(people["chair"], p.id, 3)
    services.leave(people["chair"], p.id)
    text = readable(page(as_user(people["member"]), p.id))
    assert "Chair Co takes part with weight 3" in text and "Chair Co no longer takes part" in text


# --- the signed head, for participants to keep ------------------------------------------


@pytest.mark.parametrize("who, status", [("member", 200), ("chair", 200), ("staff", 200),
                                         ("admin", 200), ("outsider", 404)])
def test_who_may_download_the_head(purchase, as_user, people, who, status):
    response = as_user(people[who]).get(f"/test-purchases/{purchase.id}/custody-checkpoint")
    assert response.status_code == status
    if status == 200:
        assert response.mimetype == "application/json"
        assert "attachment" in response.headers["Content-Disposition"]
        body = response.get_json()
        assert [h["purchase"] for h in body["heads"]] == [purchase.id]


def test_the_head_needs_a_sign_in_and_an_existing_purchase(purchase, client, as_user, people):
    assert client.get(f"/test-purchases/{purchase.id}/custody-checkpoint").status_code in (302,
                                                                                            401)
    assert as_user(people["member"]).get(
        f"/test-purchases/{purchase.id + 999}/custody-checkpoint").status_code == 404


def test_a_downloaded_head_proves_the_chain_later(purchase, as_user, people, runner, tmp_path):
    body = as_user(people["member"]).get(
        f"/test-purchases/{purchase.id}/custody-checkpoint").get_data()
    kept = tmp_path / "kept.json"
    kept.write_bytes(body)
    assert runner.invoke(args=["verify-custody", "--checkpoint", str(kept)]).exit_code == 0
    from testbuys.checkpoint import custody_key
    from testbuys.custody import entry_mac

    key = custody_key()
    rewrite(purchase.id, 4, set_cost(100),
            lambda e: entry_mac(key, e.previous_hash, e.chained_fields()))
    result = runner.invoke(args=["verify-custody", "--checkpoint", str(kept)])
    assert result.exit_code == 1 and "the chain was rewritten" in result.output


# --- the dossier -------------------------------------------------------------------------


def test_the_dossier_prints_the_head_and_its_checkpoint(purchase, as_user, people, runner, app,
                                                        tmp_path):
    member = as_user(people["member"])
    dossier = member.get(f"/test-purchases/{purchase.id}/referral").get_data(as_text=True)
    db.session.expire_all()  # the page may have appended to the log (a referral prepared)
    last = purchase.custody[-1]
    assert last.hash in dossier and "not yet anchored in a daily checkpoint" in dossier
    assert "Cost: ¥1,350.00" in dossier

    app.config["CUSTODY_CHECKPOINT_DIR"] = str(tmp_path / "anchors")
    assert runner.invoke(args=["custody-checkpoint"]).exit_code == 0
    anchored_at = json.loads(next((tmp_path / "anchors").glob("*.json")).read_text())["at"]
    services.close(people["member"], purchase.id, summary="Counterfeit confirmed")
    db.session.expire_all()
    dossier = member.get(f"/test-purchases/{purchase.id}/referral").get_data(as_text=True)
    anchor = dossier[dossier.index('id="custody-anchor"'):]
    anchor = anchor[:anchor.index("</table>")]
    assert f"{anchored_at[:10]} {anchored_at[11:16]} UTC" in anchor
    assert f"entry {last.seq}" in anchor and last.hash in anchor
    assert "the log extends it" in anchor
