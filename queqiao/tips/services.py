"""Tip services shared by pages, the API and the demo: write, edit, vet, discuss, attach.

Every function takes the acting user and plain values, checks the access policy and
the lifecycle, writes the tip's history and the audit log, and commits.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal import parsing
from portal.accounts.access import platform_staff
from portal.accounts.models import User
from portal.audit.services import record
from portal.authz import can, require, require_visible
from portal.conditional import claim
from portal.errors import Conflict, InvalidInput
from portal.extensions import db
from portal.models import utcnow
from portal.notifications.services import notify
from portal.transaction import atomic
from portal.uploads import EVIDENCE, keep_token, kept_file, store
from portal.urls import page_url

from .indicators import parse_tip
from .lifecycle import DECISIONS, EDITABLE, TIP_LIFECYCLE
from .models import SHARING_LEVELS, Tip, TipAttachment, TipComment, TipEvent

MAX_COMMENT = 10000
MAX_REASON = 2000
MAX_ATTACHMENTS = 20


def _apply(tip: Tip, values: dict) -> None:
    """Copy checked values onto the tip."""
    for field in ("title", "description", "brand", "sharing"):
        if field in values:
            setattr(tip, field, values[field])
    if "working_group" in values:
        tip.working_group = values["working_group"]
    if "indicators" in values:
        ind = values["indicators"]
        tip.keywords, tip.exclusions, tip.regions = ind["keywords"], ind["exclude"], ind["regions"]
        tip.keywords_text = " ".join(ind["keywords"])
        price = ind["max_price"]
        tip.max_price_amount, tip.max_price_currency = price if price else (None, "CNY")


def _event(tip: Tip, actor: Any, action: str, *, from_status: str | None = None,
           to_status: str | None = None, reason: str = "", **details: Any) -> TipEvent:
    event = TipEvent(tip=tip, actor_id=getattr(actor, "id", None), action=action,
                     from_status=from_status, to_status=to_status, reason=reason,
                     details=details, at=utcnow())
    db.session.add(event)
    return event


def tip_url(tip: Tip) -> str:
    """The page of a tip."""
    return page_url("queqiao.tip_detail", tip_id=tip.id)


def staff_users() -> list[User]:
    """Every active platform staff member."""
    return platform_staff()


def organisation_users(organisation_id: int) -> list[User]:
    """The people of one organisation."""
    return list(db.session.scalars(select(User).where(User.organisation_id == organisation_id)))


def _notify_submitted(tip: Tip, actor: User) -> None:
    notify(staff_users(), "tip.submitted",
           _l("New tip to vet: %(title)s", title=tip.title), tip_url(tip),
           obj=tip, view_rule="tip.view", exclude=actor, event="tip.submitted", tip_id=tip.id)


def _store_evidence(files: list[FileStorage], field: str, already: int = 0,
                    kept: list = (), owner: User | None = None) -> list:
    """Check and keep every file before anything is written, so a bad one leaves no tip.

    `kept` are claims on files this person uploaded with an earlier, refused submission."""
    files = [f for f in files if f and f.filename]
    earlier = [kept_file(token, owner.id) for token in kept] if owner else []
    if None in earlier:
        raise InvalidInput({field: _("A file kept from your last attempt is no longer "
                                     "available; choose it again.")})
    _check_room(already + len(earlier) + len(files), field)
    return earlier + [store(f, allowed=EVIDENCE, field=field) for f in files]


def keep_evidence(user: User, files: list[FileStorage], kept: list) -> list[tuple[str, str]]:
    """After a refused submission: claims (token, file name) on the evidence the person had
    chosen, so the form shown again keeps it; a file that is itself refused is not kept."""
    out = []
    for token in kept:
        earlier = kept_file(token, user.id)
        if earlier is not None:
            out.append((token, earlier.filename))
    for upload in files:
        if not (upload and upload.filename):
            continue
        upload.stream.seek(0)  # the refused attempt may have read it already
        try:
            stored = store(upload, allowed=EVIDENCE, field="evidence")
        except InvalidInput:
            continue
        out.append((keep_token(stored, user.id), stored.filename))
    return out[:MAX_ATTACHMENTS]


def _check_room(total: int, field: str) -> None:
    if total > MAX_ATTACHMENTS:
        raise InvalidInput({field: _("A tip holds at most %(n)d evidence files.",
                                     n=MAX_ATTACHMENTS)})


def _attach(tip: Tip, user: User, stored) -> TipAttachment:
    attachment = TipAttachment(tip=tip, uploaded_by_id=user.id, sha256=stored.sha256,
                               size=stored.size, mime=stored.mime, filename=stored.filename,
                               created_at=utcnow())
    db.session.add(attachment)
    db.session.flush()
    _event(tip, user, "attachment_added", filename=stored.filename, attachment_id=attachment.id)
    # Audit rows are read by the secretariat, who see no tips: ids and statuses only, never
    # the title, description, indicators, file names, comments or reasons.
    record(user, "tip.attach", tip, f"Evidence {attachment.id} added to tip {tip.id}",
           attachment_id=attachment.id, sha256=stored.sha256)
    return attachment


@atomic
def create_tip(author: User, data: dict, evidence: list[FileStorage] = (),
               kept: list = ()) -> Tip:
    """A new tip from a member company (with evidence files, if any), waiting to be vetted."""
    require("tip.create", user=author)
    values = parse_tip(data, author)
    stored = _store_evidence(list(evidence), "evidence", kept=list(kept), owner=author)
    tip = _add_tip(author, values)
    for item in stored:
        _attach(tip, author, item)
    db.session.commit()
    return tip


def _add_tip(author: User, values: dict, **audit: Any) -> Tip:
    """A checked tip into the session, with its history, audit row and staff notice."""
    now = utcnow()
    tip = Tip(author=author, organisation_id=author.organisation_id, status="submitted",
              created_at=now, updated_at=now, submitted_at=now)
    _apply(tip, values)
    db.session.add(tip)
    db.session.flush()
    _event(tip, author, "submitted", to_status="submitted", sharing=tip.sharing)
    record(author, "tip.create", tip, f"Tip {tip.id} submitted", status=tip.status,
           sharing=tip.sharing, **audit)
    _notify_submitted(tip, author)
    return tip


@dataclass
class ImportResult:
    """What an import did: the tips made (none in a dry run), the rows that would be made,
    and each bad row's field errors."""

    created: list[int] = dataclasses.field(default_factory=list)
    valid_rows: list[int] = dataclasses.field(default_factory=list)
    errors: list[dict] = dataclasses.field(default_factory=list)
    dry_run: bool = False


@atomic
def import_tips(author: User, rows: list[tuple[int, Any]], *, dry_run: bool = False,
                rename: Callable[[dict], dict] = dict) -> ImportResult:
    """Many tips at once, each row checked exactly as a single tip; a bad row is reported
    (its field errors, renamed by `rename`) and writes nothing, the good rows are written
    together, and a dry run writes nothing at all."""
    require("tip.create", user=author)
    result = ImportResult(dry_run=dry_run)
    checked = []
    for number, data in rows:
        if not isinstance(data, dict):
            result.errors.append({"row": number,
                                  "fields": {"row": _("Each tip must be an object.")}})
            continue
        try:
            checked.append((number, parse_tip(data, author)))
        except InvalidInput as error:
            result.errors.append({"row": number, "fields": rename(error.fields)})
    result.valid_rows = [number for number, _values in checked]
    if dry_run or not checked:
        return result
    for number, values in checked:
        result.created.append(_add_tip(author, values, imported_row=number).id)
    record(author, "tip.import", None, f"{len(checked)} tips imported",
           created=len(checked), bad_rows=len(result.errors))
    db.session.commit()
    return result


def _raced() -> str:
    return _("Someone else changed this tip meanwhile (edited, decided or withdrew it). "
             "Reload it and try again.")


def _take(tip: Tip, **values: Any) -> None:
    """One conditional write: the tip moves on only if nobody moved it since it was read."""
    claim(tip, check=("version", "status"), message=_raced, code="stale_version",
          version=tip.version + 1, updated_at=utcnow(), **values)


def _check_version(tip: Tip, version: Any) -> None:
    if version is None:
        return
    if not isinstance(version, int) or isinstance(version, bool):
        raise InvalidInput({"version": _("Give the version you edited as a whole number.")})
    if version != tip.version:
        raise Conflict(_("Someone changed this tip since you opened it. Reload it and apply "
                         "your changes again."), code="stale_version", version=tip.version)


@atomic
def edit_tip(user: User, tip: Tip, data: dict, version: Any = None,
             evidence: list[FileStorage] = (), kept: list = ()) -> Tip:
    """Change the content (and sharing) of a tip that waits or was sent back, adding any
    evidence files in the same step."""
    require_visible("tip.view", tip, user=user)
    require("tip.edit", tip, user=user)
    _check_version(tip, version)
    values = parse_tip(data, user, partial=True)
    stored = _store_evidence(list(evidence), "evidence", already=len(tip.attachments),
                             kept=list(kept), owner=user)
    sharing = values.pop("sharing", None)
    content_changes = [f for f in values if _differs(tip, f, values[f])]
    if (content_changes or stored) and tip.status not in EDITABLE:
        raise Conflict(_("A tip that is %(state)s can no longer be edited.",
                         state=tip.status.replace("_", " ")), code="illegal_transition")
    if content_changes or (sharing and sharing != tip.sharing) or stored:
        _take(tip)
    if content_changes:
        _apply(tip, values)
        _event(tip, user, "edited", fields=sorted(content_changes))
        record(user, "tip.edit", tip, f"Tip {tip.id} edited", fields=sorted(content_changes))
    if sharing and sharing != tip.sharing:
        _change_sharing(user, tip, sharing)
    for item in stored:
        _attach(tip, user, item)
    db.session.commit()
    return tip


def _differs(tip: Tip, field: str, value: Any) -> bool:
    if field == "working_group":
        return value.id != tip.working_group_id
    if field == "indicators":
        return value != tip.indicators
    return getattr(tip, field) != value


def _change_sharing(user: User, tip: Tip, sharing: str) -> None:
    """Widen freely; narrowing is allowed but kept in the history and the audit log, since
    others may already have read the tip."""
    order = SHARING_LEVELS.index
    action = "sharing_widened" if order(sharing) > order(tip.sharing) else "sharing_narrowed"
    _event(tip, user, action, before=tip.sharing, after=sharing)
    record(user, f"tip.{action}", tip, f"Tip {tip.id} sharing {tip.sharing} -> {sharing}",
           before=tip.sharing, after=sharing)
    tip.sharing = sharing


@atomic
def change_sharing(user: User, tip: Tip, sharing: Any) -> Tip:
    """Set a tip's sharing level (any state)."""
    require_visible("tip.view", tip, user=user)
    require("tip.edit", tip, user=user)
    errors: dict = {}
    if sharing not in SHARING_LEVELS:
        errors["sharing"] = _("Choose platform, working_group or alliance.")
        raise InvalidInput(errors)
    if sharing != tip.sharing:
        _take(tip)
        _change_sharing(user, tip, sharing)
        db.session.commit()
    return tip


def _reason(value: Any, required: bool) -> str:
    if value is not None and not isinstance(value, str):
        raise InvalidInput({"reason": _("This field must be text.")})
    reason = (value or "").strip()
    if required and not reason:
        raise InvalidInput({"reason": _("Give a reason the author can act on.")})
    if len(reason) > MAX_REASON:
        raise InvalidInput({"reason": _("At most %(n)d characters.", n=MAX_REASON)})
    if not parsing.storable(reason):
        raise InvalidInput({"reason": _("This text contains a character that cannot be stored.")})
    return reason


# The event the members' systems are sent for each decision (docs/webhooks.md).
REVIEW_EVENTS = {"accept": "tip.accepted", "reject": "tip.rejected", "needs_info": "tip.needs_info"}


@atomic
def review_tip(staff: User, tip: Tip, decision: Any, reason: Any = None) -> Tip:
    """Platform staff accept, ask for more information, or reject (with a reason)."""
    require_visible("tip.view", tip, user=staff)
    require("tip.review", tip, user=staff)
    if decision not in DECISIONS:
        raise InvalidInput({"decision": _("Choose accept, needs_info or reject.")})
    reason = _reason(reason, required=decision != "accept")
    before = tip.status
    _take(tip, status=TIP_LIFECYCLE.next_state(before, decision), decided_at=utcnow())
    _event(tip, staff, tip.status, from_status=before, to_status=tip.status, reason=reason)
    record(staff, "tip.review", tip, f"Tip {tip.id} {decision}", decision=decision,
           from_status=before, to_status=tip.status)
    notify(organisation_users(tip.organisation_id), "tip.reviewed",
           _l("Your tip \u201c%(title)s\u201d was reviewed: %(status)s", title=tip.title,
              status=_status_label(tip.status)),
           tip_url(tip), obj=tip, view_rule="tip.view", email=True,
           event=REVIEW_EVENTS[decision], tip_id=tip.id, status=tip.status)
    db.session.commit()
    return tip


class _LazyStatus:
    """A status label rendered in the reader's language when the title is."""

    def __init__(self, status: str):
        self.status = status

    def __str__(self) -> str:
        from .lifecycle import STATUS_LABELS

        return str(STATUS_LABELS[self.status])


def _status_label(status: str) -> Any:
    return _LazyStatus(status)


@atomic
def resubmit_tip(user: User, tip: Tip, note: Any = None) -> Tip:
    """The author's organisation sends a tip back to the queue after adding what was asked."""
    require_visible("tip.view", tip, user=user)
    require("tip.edit", tip, user=user)
    note = _reason(note, required=False)
    before = tip.status
    _take(tip, status=TIP_LIFECYCLE.next_state(before, "resubmit"), submitted_at=utcnow())
    _event(tip, user, "resubmitted", from_status=before, to_status=tip.status, reason=note)
    record(user, "tip.resubmit", tip, f"Tip {tip.id} resubmitted")
    _notify_submitted(tip, user)
    db.session.commit()
    return tip


@atomic
def withdraw_tip(user: User, tip: Tip, reason: Any = None) -> Tip:
    """The author's organisation takes back a tip that has not been decided."""
    require_visible("tip.view", tip, user=user)
    require("tip.edit", tip, user=user)
    reason = _reason(reason, required=False)
    before = tip.status
    _take(tip, status=TIP_LIFECYCLE.next_state(before, "withdraw"))
    _event(tip, user, "withdrawn", from_status=before, to_status=tip.status, reason=reason)
    record(user, "tip.withdraw", tip, f"Tip {tip.id} withdrawn")
    db.session.commit()
    return tip


@atomic
def add_comment(user: User, tip: Tip, body: Any) -> TipComment:
    """A message in the tip's conversation; the others in it are notified."""
    require_visible("tip.view", tip, user=user)
    require("tip.comment", tip, user=user)
    if body is not None and not isinstance(body, str):
        raise InvalidInput({"body": _("This field must be text.")})
    body = (body or "").strip()
    if not body:
        raise InvalidInput({"body": _("Write a comment.")})
    if len(body) > MAX_COMMENT:
        raise InvalidInput({"body": _("At most %(n)d characters.", n=MAX_COMMENT)})
    if not parsing.storable(body):
        raise InvalidInput({"body": _("This text contains a character that cannot be stored.")})
    comment = TipComment(tip=tip, author_id=user.id, body=body, created_at=utcnow())
    db.session.add(comment)
    db.session.flush()
    record(user, "tip.comment", tip, f"Comment on tip {tip.id}", comment_id=comment.id)
    earlier = [c.author for c in tip.comments if c.id != comment.id]
    notify([*organisation_users(tip.organisation_id), *staff_users(), *earlier],
           "tip.comment", _l("%(name)s commented on the tip \u201c%(title)s\u201d",
                             name=user.name, title=tip.title),
           tip_url(tip) + f"#comment-{comment.id}", obj=tip, view_rule="tip.view",
           exclude=user, event="tip.comment", tip_id=tip.id, comment_id=comment.id)
    db.session.commit()
    return comment


@atomic
def add_attachment(user: User, tip: Tip, upload: FileStorage | None) -> TipAttachment:
    """Evidence (an image or PDF) for a tip, checked by content and size."""
    require_visible("tip.view", tip, user=user)
    require("tip.edit", tip, user=user)
    if tip.status not in EDITABLE:
        raise Conflict(_("Evidence can be added while the tip waits for vetting or was sent "
                         "back."), code="illegal_transition")
    _check_room(len(tip.attachments) + 1, "file")
    stored = store(upload, allowed=EVIDENCE, field="file")
    _take(tip)
    attachment = _attach(tip, user, stored)
    db.session.commit()
    return attachment


def get_tip(user: User, tip_id: int) -> Tip:
    """The tip if this person may see it; NotFound otherwise."""
    return require_visible("tip.view", db.session.get(Tip, tip_id), user=user)


def get_attachment(user: User, tip_id: int, attachment_id: int) -> TipAttachment:
    """An attachment of a tip the person may see; NotFound otherwise."""
    tip = get_tip(user, tip_id)
    attachment = db.session.get(TipAttachment, attachment_id)
    if attachment is None or attachment.tip_id != tip.id:
        from portal.errors import NotFound

        raise NotFound()
    return attachment


def may(user: User, action: str, tip: Tip) -> bool:
    """Shortcut used by templates and serialisers."""
    return can(user, action, tip)
