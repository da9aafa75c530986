"""A tampered evidence file or custody row is found by `flask verify-custody` and on the page."""

import io
import os

import pytest
from sqlalchemy import text

from portal import uploads
from portal.extensions import db
from testbuys import evidence, services
from testbuys.models import CustodyEntry
from tests.testbuys.helpers import PNG, received


@pytest.fixture
def purchase(people):
    """A received purchase with one photo in its custody log."""
    from werkzeug.datastructures import FileStorage

    p = received(people["member"])
    evidence.store_evidence(p, people["member"],
                            FileStorage(io.BytesIO(PNG), filename="box.png"), "box")
    db.session.commit()
    return p


def test_intact_chain_passes_command_and_page(purchase, runner, as_user, people):
    result = runner.invoke(args=["verify-custody"])
    assert result.exit_code == 0 and f"test purchase {purchase.id}: ok" in result.output
    assert 'data-ok="yes"' in as_user(people["member"]).get(
        f"/test-purchases/{purchase.id}").get_data(as_text=True)


def test_tampered_custody_row_is_found(purchase, runner, as_user, people):
    db.session.execute(text("UPDATE test_purchase_custody SET why = 'nothing happened' "
                            "WHERE purchase_id = :p AND seq = 2"), {"p": purchase.id})
    db.session.commit()
    result = runner.invoke(args=["verify-custody"])
    assert result.exit_code == 1
    assert f"test purchase {purchase.id}: BROKEN at entry 2" in result.output
    assert "entry 2: stored hash does not match its contents" in result.output
    page = as_user(people["member"]).get(f"/test-purchases/{purchase.id}").get_data(as_text=True)
    assert 'data-ok="no"' in page and "Chain of custody broken at entry 2" in page


def test_tampered_evidence_file_is_found(purchase, runner, as_user, people):
    path = uploads.path_for(purchase.evidence[0].sha256)
    os.chmod(path, 0o644)
    path.write_bytes(PNG + b"edited")
    result = runner.invoke(args=["verify-custody", "--purchase", str(purchase.id)])
    assert result.exit_code == 1
    assert "evidence file box.png has changed" in result.output
    page = as_user(people["member"]).get(f"/test-purchases/{purchase.id}").get_data(as_text=True)
    assert "evidence file box.png has changed" in page


def test_removed_last_entry_is_found(purchase, runner):
    last = max(c.seq for c in purchase.custody)
    db.session.execute(text("DELETE FROM test_purchase_custody WHERE purchase_id = :p "
                            "AND seq = :s"), {"p": purchase.id, "s": last})
    db.session.commit()
    result = runner.invoke(args=["verify-custody"])
    assert result.exit_code == 1 and "not the recorded head" in result.output


def test_custody_rows_cannot_be_changed_through_the_app(purchase):
    entry = db.session.get(CustodyEntry, purchase.custody[0].id)
    entry.why = "rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_reminders_go_once_to_purchaser_and_overdue_brands(people, app, runner):
    from datetime import timedelta

    from portal.models import utcnow
    from portal.notifications.models import Notification

    soon = services.propose(people["member"], platform="jd", seller_id="soon")
    services.schedule(people["member"], soon.id, scheduled_for=utcnow() + timedelta(hours=5),
                      purchaser_id=people["member"].id)
    late = received(people["member"], seller="late")
    late.received_at = utcnow() - timedelta(days=20)
    db.session.commit()
    result = runner.invoke(args=["remind-test-purchases"])
    assert "sent 1 purchaser and 1 authentication" in result.output
    titles = [n.title for n in db.session.query(Notification).filter_by(
        user_id=people["member"].id)]
    assert any(t.startswith("Reminder: you buy from soon") for t in titles)
    assert any(t.startswith("Authentication overdue") for t in titles)
    assert "sent 0 purchaser and 0 authentication" in runner.invoke(
        args=["remind-test-purchases"]).output


def test_tampered_evidence_record_is_found(purchase, runner):
    db.session.execute(text("UPDATE test_purchase_evidence SET sha256 = :h WHERE purchase_id = :p"),
                       {"h": "0" * 64, "p": purchase.id})
    db.session.commit()
    result = runner.invoke(args=["verify-custody"])
    assert result.exit_code == 1
    assert "has no valid recorded sha256" in result.output
