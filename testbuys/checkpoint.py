"""The custody key, and checkpoints: every chain's head, signed, kept outside the database.

The key authenticates custody entries (HMAC-SHA256) and signs checkpoints. It is never
stored in the database: ``CUSTODY_KEY`` (config or environment), else a key generated
once into the instance folder (``custody_key``), as the secret key is in development.

A checkpoint is a JSON file::

    {"format": "custody-checkpoint", "version": 1, "at": "2026-12-01T02:00:00+00:00",
     "key_id": "…", "heads": [{"purchase": 7, "seq": 12, "hash": "…", "intact": true}],
     "signature": "<HMAC-SHA256 hex of the canonical JSON of everything else>"}

Written daily by ``flask custody-checkpoint`` into ``CUSTODY_CHECKPOINT_DIR`` (and kept
by participants, who download their purchase's head from its page), it lets
``flask verify-custody --checkpoint FILE`` prove that every chain still extends the head
it had then: the entry at that sequence number must still have that hash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app

from portal.models import utcnow

from .facts import canonical_json

FORMAT = "custody-checkpoint"
FILE_PREFIX = "custody-checkpoint-"
MIN_KEY_LENGTH = 16


def custody_key() -> bytes:
    """The key of the custody log: configured, else generated once into the instance folder."""
    configured = (current_app.config.get("CUSTODY_KEY") or "").strip()
    if configured:
        if len(configured) < MIN_KEY_LENGTH:
            raise RuntimeError(f"CUSTODY_KEY must be at least {MIN_KEY_LENGTH} characters")
        return configured.encode("utf-8")
    path = Path(current_app.instance_path) / "custody_key"
    if path.exists():
        return path.read_text().strip().encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Created exclusively and private: two processes starting at once keep one key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip().encode("utf-8")
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key.encode("utf-8")


def key_id(key: bytes) -> str:
    """A short public name of a key, so a checkpoint says which key signed it."""
    return hashlib.sha256(b"custody-key-id:" + key).hexdigest()[:16]


def checkpoint_dir() -> Path:
    """Where daily checkpoints go: CUSTODY_CHECKPOINT_DIR, else the instance folder."""
    configured = (current_app.config.get("CUSTODY_CHECKPOINT_DIR") or "").strip()
    return Path(configured) if configured else Path(current_app.instance_path) / "checkpoints"


def _signature(key: bytes, body: dict) -> str:
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    return hmac.new(key, canonical_json(unsigned).encode("utf-8"), hashlib.sha256).hexdigest()


def make(heads: list[dict[str, Any]], at: datetime | None = None) -> dict[str, Any]:
    """A signed checkpoint of the given heads ({purchase, seq, hash, intact})."""
    key = custody_key()
    body: dict[str, Any] = {
        "format": FORMAT, "version": 1,
        "at": (at or utcnow()).astimezone(UTC).replace(microsecond=0).isoformat(),
        "key_id": key_id(key),
        "heads": sorted(heads, key=lambda h: h["purchase"]),
    }
    body["signature"] = _signature(key, body)
    return body


def dumps(checkpoint: dict[str, Any]) -> str:
    """The checkpoint as the file holds it (readable, stable)."""
    return json.dumps(checkpoint, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write(checkpoint: dict[str, Any], out: str | os.PathLike[str] | None = None) -> Path:
    """Write the checkpoint to `out`, or to a new file named by its time in the directory."""
    if out is None:
        folder = checkpoint_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = checkpoint["at"].replace("-", "").replace(":", "").replace("+0000", "Z")
        target = folder / f"{FILE_PREFIX}{stamp}.json"
    else:
        target = Path(out)
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_text(dumps(checkpoint), encoding="utf-8")
    temporary.replace(target)
    return target


class CheckpointError(ValueError):
    """The file is not a readable checkpoint."""


@dataclass
class Checkpoint:
    """A checkpoint read back: its time, heads by purchase, and whether its signature holds."""

    at: str
    key_id: str
    heads: dict[int, dict[str, Any]]
    signed: bool
    problems: list[str] = field(default_factory=list)


def load(path: str | os.PathLike[str]) -> Checkpoint:
    """Read a checkpoint file and check its signature with the current key."""
    try:
        body = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"cannot read checkpoint {path}: {exc}") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT or not isinstance(
            body.get("heads"), list):
        raise CheckpointError(f"{path} is not a custody checkpoint")
    heads: dict[int, dict[str, Any]] = {}
    for head in body["heads"]:
        if not (isinstance(head, dict) and isinstance(head.get("purchase"), int)
                and isinstance(head.get("seq"), int) and isinstance(head.get("hash"), str)):
            raise CheckpointError(f"{path}: a head is not {{purchase, seq, hash}}")
        heads[head["purchase"]] = head
    key = custody_key()
    signed = isinstance(body.get("signature"), str) and hmac.compare_digest(
        _signature(key, body), body["signature"])
    result = Checkpoint(at=str(body.get("at", "")), key_id=str(body.get("key_id", "")),
                        heads=heads, signed=signed)
    if not signed:
        reason = ("signed with another key" if result.key_id != key_id(key)
                  else "altered since it was signed")
        result.problems.append(f"checkpoint of {result.at}: its signature does not verify with "
                               f"the current custody key ({reason})")
    return result


def latest() -> Checkpoint | None:
    """The newest checkpoint in the checkpoint directory whose signature holds, if any."""
    folder = checkpoint_dir()
    if not folder.is_dir():
        return None
    for path in sorted(folder.glob(f"{FILE_PREFIX}*.json"), reverse=True):
        try:
            found = load(path)
        except CheckpointError:
            continue
        if found.signed:
            return found
    return None



def head_of(purchase: Any, intact: bool) -> dict[str, Any]:
    """{purchase, seq, hash, intact}: the newest entry of the purchase's log."""
    last = purchase.custody[-1] if purchase.custody else None
    return {"purchase": purchase.id, "seq": last.seq if last else 0,
            "hash": last.hash if last else "", "intact": intact}


def purchase_checkpoint(purchase: Any, intact: bool) -> tuple[str, str]:
    """(file text, file name): a checkpoint of one purchase's head as it is now."""
    body = make([head_of(purchase, intact)])
    stamp = body["at"].replace("-", "").replace(":", "").replace("+0000", "Z")
    return dumps(body), f"custody-checkpoint-test-purchase-{purchase.id}-{stamp}.json"



def mail_participants(heads: list[dict[str, Any]]) -> int:
    """E-mail each participating organisation's people a signed checkpoint of the heads of
    its own purchases, so the anchor is also kept where the portal's operator cannot reach
    it. Returns how many messages were sent."""
    from flask_babel import force_locale
    from flask_babel import gettext as _
    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.authz import can
    from portal.extensions import db
    from portal.mail import send_mail

    from .models import Participant

    by_purchase = {h["purchase"]: h for h in heads}
    if not by_purchase:
        return 0
    own: dict[int, list[dict[str, Any]]] = {}
    for purchase_id, org_id in db.session.execute(select(
            Participant.purchase_id, Participant.organisation_id).where(
            Participant.purchase_id.in_(by_purchase), Participant.left_at.is_(None),
            Participant.status == "active")):
        own.setdefault(org_id, []).append(by_purchase[purchase_id])
    sent = 0
    for org_id, org_heads in sorted(own.items()):
        text = dumps(make(sorted(org_heads, key=lambda h: h["purchase"])))
        people = db.session.scalars(select(User).where(User.organisation_id == org_id)
                                    .order_by(User.id))
        for person in people:
            if not can(person, "test_purchase.take_part"):
                continue
            with force_locale(person.locale or "en"):
                subject = _("Custody checkpoint of your test purchases")
                intro = _("Keep this message: it holds the signed head of the custody log of "
                          "each test purchase your organisation takes part in. Checked later "
                          "against it, the logs prove they were not rewritten since.")
            send_mail(person.email, subject, f"{intro}\n\n{text}\n")
            sent += 1
    return sent
