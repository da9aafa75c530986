"""Uploading documents and new versions."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from portal.accounts.models import User, WorkingGroup
from portal.audit.services import record
from portal.conditional import claim
from portal.errors import InvalidInput
from portal.extensions import db
from portal.models import utcnow
from portal.notifications.services import notify
from portal.uploads import DOCUMENTS, store
from portal.urls import page_url

from ..access import GroupName
from ..preferences import hearing_everything
from .models import Document, DocumentVersion


def _title(title: str | None, upload: FileStorage | None) -> str:
    title = " ".join((title or "").split()) or (upload.filename if upload else "") or ""
    if not title or len(title) > 200:
        raise InvalidInput({"title": _("Give a title of at most 200 characters.")})
    return title


def upload(actor: User, group: WorkingGroup, title: str | None, file: FileStorage | None,
           note: str = "") -> Document:
    """A new document with its first version; the group hears of it."""
    errors = {}
    try:
        title = _title(title, file)
    except InvalidInput as e:
        errors.update(e.fields)
    try:
        stored = store(file, allowed=DOCUMENTS)
    except InvalidInput as e:
        errors.update(e.fields)
    if errors:
        raise InvalidInput(errors)
    document = Document(group=group, title=title, created_by=actor)
    db.session.add(document)
    db.session.flush()
    _add_version(actor, document, stored, note)
    record(actor, "document.upload", document, f"Document {title!r} in {group.slug}",
           sha256=stored.sha256)
    notify(hearing_everything(group), "document.new",
           _l("New document in %(group)s: %(title)s", group=GroupName(group), title=title),
           page_url("workinggroups.document", slug=group.slug, document_id=document.id),
           obj=document, view_rule="document.view", exclude=actor)
    db.session.commit()
    return document


def add_version(actor: User, document: Document, file: FileStorage | None,
                note: str = "") -> DocumentVersion:
    """A new version of a document."""
    stored = store(file, allowed=DOCUMENTS)
    # Hold the document while its next number is taken: two uploads at once become
    # versions n + 1 and n + 2, not a clash over n + 1.
    claim(document, check=(), updated_at=utcnow())
    version = _add_version(actor, document, stored, note)
    record(actor, "document.version", document, f"Version {version.number} of {document.id}",
           sha256=stored.sha256)
    db.session.commit()
    return version


def _add_version(actor, document, stored, note) -> DocumentVersion:
    if len(note or "") > 300:
        raise InvalidInput({"note": _("At most %(n)d characters.", n=300)})
    number = (db.session.scalar(select(DocumentVersion.number).where(
        DocumentVersion.document_id == document.id).order_by(
        DocumentVersion.number.desc()).limit(1)) or 0) + 1
    version = DocumentVersion(document=document, number=number, sha256=stored.sha256,
                              size=stored.size, mime=stored.mime, filename=stored.filename,
                              note=(note or "").strip(), uploaded_by=actor)
    if document.updated_at is None:
        document.updated_at = utcnow()
    db.session.add(version)
    db.session.flush()
    return version


def documents_of(group: WorkingGroup):
    """The group's documents, most recently changed first."""
    return (select(Document).where(Document.group_id == group.id)
            .options(selectinload(Document.versions).joinedload(DocumentVersion.uploaded_by))
            .order_by(Document.updated_at.desc(), Document.id.desc()))
