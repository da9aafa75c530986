"""Facts forged directly in the database are caught by `flask verify-custody`, naming them.

Each test changes the database the way someone with write access to it could (plain SQL,
past the application), then runs the command an operator or a court's expert would run.
"""

import json

import pytest

from testbuys.custody import GENESIS, KEYED, PLAIN
from testbuys.models import CustodyEntry
from tests.testbuys.forgery import (
    COLUMNS,
    OTHER_KEY,
    joint_counterfeit,
    keyed_with,
    plain,
    rewrite,
    rows,
    seq_of,
    set_cost,
    sql,
)


@pytest.fixture
def purchase(people):
    """A joint counterfeit buy: two brands, order, receipt, photo, verdict, outcome."""
    return joint_counterfeit(people)


def verify(runner, *args):
    return runner.invoke(args=["verify-custody", *args])


def assert_broken(result, purchase, *needles):
    assert result.exit_code == 1, result.output
    assert f"test purchase {purchase.id}: BROKEN" in result.output
    for needle in needles:
        assert needle in result.output, result.output


def test_an_untouched_database_passes(purchase, runner):
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert f"test purchase {purchase.id}: ok" in result.output
    assert "0 broken chain(s)" in result.output


def test_every_entry_is_keyed_and_carries_its_facts(purchase, app):
    entries = rows(purchase.id)
    assert {r["version"] for r in entries} == {KEYED}
    order = next(r for r in entries if r["action"] == "order")
    assert {"fact": "cost", "amount": 135_000, "currency": "CNY"} in json.loads(order["facts"])
    verdict = next(r for r in entries if r["action"] == "authenticate")
    [fact] = [f for f in json.loads(verdict["facts"]) if f["fact"] == "verdict"]
    assert (fact["verdict"], fact["method"]) == ("counterfeit", "Label and serial")
    joined = next(r for r in entries if r["action"] == "join")
    assert [f["weight"] for f in json.loads(joined["facts"]) if f["fact"] == "participant"] == [2]


@pytest.mark.parametrize("forgery, fact", [
    ("UPDATE test_purchases SET verdict = 'genuine' WHERE id = :p", "fact purchase_verdict"),
    ("UPDATE test_purchase_authentications SET verdict = 'genuine' WHERE purchase_id = :p",
     "fact verdict"),
    ("UPDATE test_purchase_authentications SET method = 'glance' WHERE purchase_id = :p",
     "fact verdict"),
    ("UPDATE test_purchases SET cost_amount = 100 WHERE id = :p", "fact cost"),
    ("UPDATE test_purchase_participants SET weight = 9 WHERE purchase_id = :p AND weight = 2",
     "fact participant"),
    ("UPDATE test_purchases SET taken_down_at = NULL WHERE id = :p", "fact taken_down"),
    ("UPDATE test_purchases SET value_involved = 1 WHERE id = :p", "fact value_involved"),
    ("UPDATE test_purchases SET auth_method = 'glance' WHERE id = :p", "fact purchase_verdict"),
    ("UPDATE test_purchases SET order_number = 'X-9' WHERE id = :p", "fact order_number"),
    ("UPDATE test_purchase_evidence SET filename = 'other.png' WHERE purchase_id = :p",
     "fact evidence"),
])
def test_a_fact_forged_in_the_database_is_named(purchase, runner, forgery, fact):
    sql(forgery, p=purchase.id)
    assert_broken(verify(runner), purchase, fact)


def test_a_forged_purchaser_is_named(purchase, runner, people):
    sql("UPDATE test_purchases SET purchaser_id = :u WHERE id = :p", u=people["staff"].id,
        p=purchase.id)
    result = verify(runner)
    assert_broken(result, purchase, "fact purchaser", "(facts: purchaser)")


def test_the_page_and_the_api_show_the_forgery(purchase, runner, as_user, api, people):
    sql("UPDATE test_purchases SET verdict = 'genuine' WHERE id = :p", p=purchase.id)
    page = as_user(people["member"]).get(f"/test-purchases/{purchase.id}").get_data(as_text=True)
    assert 'data-ok="no"' in page and "fact purchase_verdict" in page
    body = api(people["member"]).get(f"/api/v1/test-purchases/{purchase.id}").get_json()
    assert body["custody_check"]["ok"] is False
    assert "purchase_verdict" in {p["fact"] for p in body["custody_check"]["problems"]}


def test_a_deleted_entry_is_named(purchase, runner):
    order = seq_of(purchase.id, "order")
    sql("DELETE FROM test_purchase_custody WHERE purchase_id = :p AND seq = :s",
        p=purchase.id, s=order)
    result = verify(runner)
    assert_broken(result, purchase, f"expected {order} after entry {order - 1}",
                  "fact cost", "fact order_number")


def test_a_deleted_log_is_named(purchase, runner):
    sql("DELETE FROM test_purchase_custody WHERE purchase_id = :p", p=purchase.id)
    sql("UPDATE test_purchases SET custody_head = NULL WHERE id = :p", p=purchase.id)
    assert_broken(verify(runner), purchase, "the custody log has no entries")


def test_a_chain_rewritten_with_plain_hashes_is_caught(purchase, runner):
    sql("UPDATE test_purchases SET cost_amount = 100 WHERE id = :p", p=purchase.id)
    rewrite(purchase.id, seq_of(purchase.id, "order"), set_cost(100), plain)
    assert_broken(verify(runner), purchase, "stored hash does not match its contents")


def test_a_chain_rewritten_as_old_unkeyed_entries_is_caught(purchase, runner):
    sql("UPDATE test_purchases SET cost_amount = 100 WHERE id = :p", p=purchase.id)
    order = seq_of(purchase.id, "order")

    def downgrade(entry):
        set_cost(100)(entry)
        entry.version = PLAIN

    def plain_from_here(entry):
        entry.version = PLAIN
        return plain(entry)

    rewrite(purchase.id, order, downgrade, plain_from_here)
    assert_broken(verify(runner), purchase, f"entry {order}: an unkeyed entry after keyed ones")


def test_a_chain_rewritten_with_another_key_is_caught(purchase, runner):
    sql("UPDATE test_purchases SET cost_amount = 100 WHERE id = :p", p=purchase.id)
    rewrite(purchase.id, seq_of(purchase.id, "order"), set_cost(100), keyed_with(OTHER_KEY))
    assert_broken(verify(runner), purchase, "authenticated with another key")


def test_a_checkpoint_catches_a_rewrite_of_database_chain_and_key(purchase, runner, app,
                                                                  tmp_path):
    anchor = tmp_path / "before.json"
    result = runner.invoke(args=["custody-checkpoint", "--out", str(anchor)])
    assert result.exit_code == 0, result.output
    assert verify(runner, "--checkpoint", str(anchor)).exit_code == 0

    # Whoever holds the database and the server rewrites everything from the genesis on
    # under a key of their own, and puts that key in place of the portal's.
    sql("UPDATE test_purchases SET cost_amount = 100 WHERE id = :p", p=purchase.id)
    rewrite(purchase.id, 1, lambda entry: None, keyed_with(OTHER_KEY))
    rewrite(purchase.id, seq_of(purchase.id, "order"), set_cost(100), keyed_with(OTHER_KEY))
    app.config["CUSTODY_KEY"] = OTHER_KEY
    assert verify(runner).exit_code == 0  # consistent in itself: only the anchor can tell

    result = verify(runner, "--checkpoint", str(anchor))
    assert_broken(result, purchase, "(facts: checkpoint)", "the chain was rewritten")
    assert "its signature does not verify with the current custody key (signed with another key)" \
        in result.output


def test_a_checkpoint_catches_entries_cut_from_the_end(purchase, runner, tmp_path):
    anchor = tmp_path / "before.json"
    runner.invoke(args=["custody-checkpoint", "--out", str(anchor)])
    last = rows(purchase.id)[-1]
    sql("DELETE FROM test_purchase_custody WHERE id = :i", i=last["id"])
    sql("UPDATE test_purchases SET custody_head = :h WHERE id = :p", h=last["previous_hash"],
        p=purchase.id)
    result = verify(runner, "--checkpoint", str(anchor))
    assert_broken(result, purchase, f"entry {last['seq']}: anchored by the checkpoint",
                  "is missing")


def test_a_checkpoint_names_a_purchase_deleted_since(purchase, runner, tmp_path):
    anchor = tmp_path / "before.json"
    runner.invoke(args=["custody-checkpoint", "--out", str(anchor)])
    body = json.loads(anchor.read_text())
    body["heads"].append({"purchase": purchase.id + 1000, "seq": 3, "hash": "0" * 64,
                          "intact": True})
    anchor.write_text(json.dumps(body))
    result = verify(runner, "--checkpoint", str(anchor))
    assert result.exit_code == 1
    assert f"test purchase {purchase.id + 1000}: BROKEN" in result.output
    assert "altered since it was signed" in result.output


def test_a_checkpoint_goes_to_the_configured_folder_signed(purchase, runner, app, tmp_path):
    app.config["CUSTODY_CHECKPOINT_DIR"] = str(tmp_path / "anchors")
    result = runner.invoke(args=["custody-checkpoint"])
    assert result.exit_code == 0, result.output
    [written] = list((tmp_path / "anchors").glob("custody-checkpoint-*.json"))
    body = json.loads(written.read_text())
    last = rows(purchase.id)[-1]
    assert body["heads"] == [{"purchase": purchase.id, "seq": last["seq"], "hash": last["hash"],
                              "intact": True}]
    assert len(body["signature"]) == 64 and body["at"].endswith("+00:00")


def test_the_key_is_not_in_the_database_but_in_the_instance_folder(purchase, app):
    from pathlib import Path

    key = (Path(app.instance_path) / "custody_key").read_text().strip()
    assert len(key) == 64
    dumped = json.dumps([rows(purchase.id)], default=str)
    assert key not in dumped


def test_old_unkeyed_logs_verify_once_sealed(purchase, runner):
    """A log written before keys (plain SHA-256, no facts) is sealed once, then guarded."""
    def legacy(entry):
        entry.version, entry.facts = PLAIN, None
        return plain(entry)

    rewrite(purchase.id, 1, lambda entry: None, legacy)
    result = verify(runner)
    assert_broken(result, purchase, "holds no keyed entry", "flask custody-seal")
    assert f"sealed 1 custody log(s): {purchase.id}" in runner.invoke(
        args=["custody-seal"]).output
    assert verify(runner).exit_code == 0
    assert "sealed 0 custody log(s)" in runner.invoke(args=["custody-seal"]).output
    sql("UPDATE test_purchases SET verdict = 'genuine' WHERE id = :p", p=purchase.id)
    assert_broken(verify(runner), purchase, "fact purchase_verdict")


def test_a_sealed_old_entry_cannot_be_rewritten(purchase, runner):
    def legacy(entry):
        entry.version, entry.facts = PLAIN, None
        return plain(entry)

    rewrite(purchase.id, 1, lambda entry: None, legacy)
    runner.invoke(args=["custody-seal"])
    sealed = rows(purchase.id)[-1]["seq"]

    def edit(entry):
        entry.what = "order A-1, cost 100 CNY"

    # the old entries rewritten with fresh plain hashes, the keyed seal left as it was
    previous = GENESIS
    for row in rows(purchase.id)[:-1]:
        entry = CustodyEntry(**{k: row[k] for k in COLUMNS})
        if entry.action == "order":
            edit(entry)
        entry.previous_hash = previous
        entry.hash = plain(entry)
        sql("UPDATE test_purchase_custody SET what = :w, previous_hash = :ph, hash = :h "
            "WHERE id = :i", w=entry.what, ph=entry.previous_hash, h=entry.hash, i=row["id"])
        previous = entry.hash
    assert_broken(verify(runner), purchase,
                  f"entry {sealed}: previous-hash link does not match entry {sealed - 1}")


def test_the_daily_checkpoint_is_mailed_to_each_brand_with_its_own_heads_only(
        purchase, runner, app, people, make, tmp_path):
    from testbuys.cli import custody_checkpoint_job
    from tests.testbuys.helpers import propose

    app.config["CUSTODY_CHECKPOINT_DIR"] = str(tmp_path / "anchors")
    other = propose(people["outsider"], "shop-other", working_group="pharmaceutical")
    app.extensions["sent_mail"] = []
    custody_checkpoint_job.run_now()
    mails = {m["To"]: m.get_content() for m in app.extensions["sent_mail"]}
    member_mail = mails[people["member"].email]
    head = purchase.custody[-1].hash
    assert head in member_mail and f'"purchase": {purchase.id}' in member_mail
    assert f'"purchase": {other.id}' not in member_mail
    assert f'"purchase": {other.id}' in mails[people["outsider"].email]
    assert people["staff"].email not in mails and people["admin"].email not in mails
    # What a brand keeps proves its chain: the mailed checkpoint verifies as a file.
    kept = tmp_path / "kept.json"
    with open(kept, "w") as f:
        f.write(member_mail.split("\n\n", 1)[1])
    assert verify(runner, "--checkpoint", kept).exit_code == 0
