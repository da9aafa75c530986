"""Forging a purchase's record the way someone with write access to the database could:
plain SQL past the application, chains re-signed from any entry on."""

import io
import json

from sqlalchemy import text
from werkzeug.datastructures import FileStorage

from portal.extensions import db
from testbuys import evidence, services
from testbuys.custody import GENESIS, entry_hash, entry_mac
from testbuys.models import CustodyEntry
from tests.testbuys.helpers import PNG, received

OTHER_KEY = "a-key-that-is-not-the-portal-s-0123456789"
COLUMNS = ("id", "purchase_id", "seq", "at", "actor_id", "actor_name", "action", "what", "why",
           "evidence_id", "evidence_sha256", "previous_hash", "hash", "version", "facts")


def joint_counterfeit(people):
    """A joint counterfeit buy: two brands, order, receipt, photo, verdict, outcome."""
    member, partner = people["member"], people["chair"]
    p = received(member, partner, cost=135_000)
    evidence.store_evidence(p, member, FileStorage(io.BytesIO(PNG), filename="box.png"), "box")
    db.session.commit()
    services.authenticate(member, p.id, verdict="counterfeit", method="Label and serial",
                          notes="Serial not issued")
    services.record_outcome(member, p.id, taken_down=True, seller_penalised=True,
                            value_involved=(6_000_000, "CNY"))
    return p


def sql(statement: str, **params) -> None:
    db.session.execute(text(statement), params)
    db.session.commit()


def rows(purchase_id: int) -> list[dict]:
    return [dict(r) for r in db.session.execute(text(
        "SELECT * FROM test_purchase_custody WHERE purchase_id = :p ORDER BY seq"),
        {"p": purchase_id}).mappings()]


def seq_of(purchase_id: int, action: str) -> int:
    return next(r["seq"] for r in rows(purchase_id) if r["action"] == action)


def rewrite(purchase_id: int, from_seq: int, edit, sign) -> None:
    """Rewrite the chain from one entry on, re-signing each entry after the edit."""
    previous = GENESIS
    for row in rows(purchase_id):
        entry = CustodyEntry(**{k: row[k] for k in COLUMNS})
        if row["seq"] >= from_seq:
            if row["seq"] == from_seq:
                edit(entry)
            entry.previous_hash = previous
            entry.hash = sign(entry)
            db.session.execute(text(
                "UPDATE test_purchase_custody SET facts = :f, version = :v, previous_hash = :ph, "
                "hash = :h WHERE id = :id"), {"f": entry.facts, "v": entry.version,
                                             "ph": entry.previous_hash, "h": entry.hash,
                                             "id": row["id"]})
        previous = entry.hash
    db.session.execute(text("UPDATE test_purchases SET custody_head = :h WHERE id = :p"),
                       {"h": previous, "p": purchase_id})
    db.session.commit()


def set_cost(amount: int):
    """An edit putting another cost into the facts of the order entry."""
    def edit(entry):
        facts = json.loads(entry.facts)
        for fact in facts:
            if fact["fact"] == "cost":
                fact["amount"] = amount
        entry.facts = json.dumps(facts, sort_keys=True, ensure_ascii=False,
                                 separators=(",", ":"))
    return edit


def plain(entry) -> str:
    return entry_hash(entry.previous_hash, entry.chained_fields())


def keyed_with(key: str):
    return lambda entry: entry_mac(key.encode(), entry.previous_hash, entry.chained_fields())
