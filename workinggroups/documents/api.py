"""API: a group's documents, uploading a document or a new version, downloading one.

Everything here is for those who may see the group's private parts (others get 404), as
on the pages; the services are the pages' services."""

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import select

from portal.api.helpers import iso, paginated
from portal.api.openapi import NAMED, PAGING, TIME, nullable, op, page_of, path_param, register_paths
from portal.authz import access
from portal.errors import NotFound
from portal.extensions import db
from portal.uploads import DOCUMENTS, OFFICE, send_stored
from portal.urls import page_url

from ..access import private_group_or_404
from ..api import api_bp
from . import services
from .access import document_or_404
from .models import Document, DocumentVersion


def version_json(v: DocumentVersion) -> dict:
    """One stored version and where to download it."""
    slug = v.document.group.slug
    return {"number": v.number, "filename": v.filename, "mime": v.mime, "size": v.size,
            "sha256": v.sha256, "note": v.note, "uploaded_at": iso(v.uploaded_at),
            "uploaded_by": {"id": v.uploaded_by.id, "name": v.uploaded_by.name},
            "download_url": page_url("workinggroups_api.download_document", slug=slug,
                                     document_id=v.document_id, number=v.number)}


def document_json(d: Document, *, versions: bool = False) -> dict:
    """A document with its newest version (and every version when asked)."""
    data = {"id": d.id, "url": page_url("workinggroups.document", slug=d.group.slug,
                                        document_id=d.id),
            "working_group": d.group.slug, "title": d.title,
            "created_by": {"id": d.created_by.id, "name": d.created_by.name},
            "created_at": iso(d.created_at), "updated_at": iso(d.updated_at),
            "latest": version_json(d.latest) if d.versions else None}
    if versions:
        data["versions"] = [version_json(v) for v in d.versions]
    return data


@api_bp.get("/working-groups/<slug>/documents")
@access("signed_in")
def list_documents(slug: str):
    """The group's documents, most recently changed first."""
    group = private_group_or_404(slug)
    return jsonify(paginated(services.documents_of(group), document_json))


@api_bp.post("/working-groups/<slug>/documents")
@access("signed_in")
def upload_document(slug: str):
    """A new document (multipart: file, title, note), checked by content."""
    group = private_group_or_404(slug)
    document = services.upload(current_user, group, request.form.get("title"),
                               request.files.get("file"), request.form.get("note", ""))
    return jsonify(document_json(document, versions=True)), 201


@api_bp.get("/working-groups/<slug>/documents/<int:document_id>")
@access("signed_in")
def show_document(slug: str, document_id: int):
    """A document with every version."""
    item = document_or_404(private_group_or_404(slug), document_id)
    return jsonify(document_json(item, versions=True))


@api_bp.post("/working-groups/<slug>/documents/<int:document_id>/versions")
@access("signed_in")
def upload_version(slug: str, document_id: int):
    """A new version (multipart: file, note)."""
    item = document_or_404(private_group_or_404(slug), document_id)
    version = services.add_version(current_user, item, request.files.get("file"),
                                   request.form.get("note", ""))
    return jsonify(version_json(version)), 201


@api_bp.get("/working-groups/<slug>/documents/<int:document_id>/versions/<int:number>")
@access("signed_in")
def download_document(slug: str, document_id: int, number: int):
    """The bytes of one version."""
    item = document_or_404(private_group_or_404(slug), document_id)
    version = db.session.scalar(select(DocumentVersion).where(
        DocumentVersion.document_id == item.id, DocumentVersion.number == number))
    if version is None:
        raise NotFound()
    return send_stored(version.sha256, version.mime, version.filename, inline=False)


# What version_json() gives: every key, always.
VERSION = {"type": "object", "required": [
    "number", "filename", "mime", "size", "sha256", "note", "uploaded_at", "uploaded_by",
    "download_url"], "properties": {
    "number": {"type": "integer", "minimum": 1}, "filename": {"type": "string"},
    "mime": {"type": "string", "description": "the type its content was recognised as"},
    "size": {"type": "integer", "minimum": 0, "description": "bytes"},
    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    "note": {"type": "string", "description": "empty when none was given"},
    "uploaded_at": TIME, "uploaded_by": NAMED,
    "download_url": {"type": "string", "description": "where this API serves its bytes"}}}
# What document_json() gives; answers about one document add every version.
DOCUMENT = {"type": "object", "required": [
    "id", "url", "working_group", "title", "created_by", "created_at", "updated_at", "latest"],
    "properties": {
        "id": {"type": "integer"}, "url": {"type": "string", "description": "the document's page"},
        "working_group": {"type": "string", "description": "the group's slug"},
        "title": {"type": "string"}, "created_by": NAMED, "created_at": TIME, "updated_at": TIME,
        "latest": nullable({"$ref": "#/components/schemas/DocumentVersion"}),
        "versions": {"type": "array", "items": {"$ref": "#/components/schemas/DocumentVersion"},
                     "description": "oldest first; in answers about one document"}}}
_DOC = {"$ref": "#/components/schemas/Document"}
_SLUG = [path_param("slug", "string")]
_IDS = _SLUG + [path_param("document_id")]


def _multipart(operation: dict, *, title: bool) -> dict:
    props = {"file": {"type": "string", "format": "binary"}, "note": {"type": "string",
                                                                      "maxLength": 300}}
    if title:
        props["title"] = {"type": "string", "maxLength": 200,
                          "description": "defaults to the file's name"}
    operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {
        "schema": {"type": "object", "required": ["file"], "properties": props}}}}
    return operation


_DOWNLOAD = op("Download one version", tag="documents", params=_IDS + [path_param("number")])
# Served as the type its content was recognised as; office files as octet-stream.
_DOWNLOAD["responses"]["200"] = {"description": "The file, as the version's `mime` says",
                                 "content": {mime: {"schema": {"type": "string",
                                                               "format": "binary"}}
                                             for mime in sorted((DOCUMENTS - OFFICE)
                                                                | {"application/octet-stream"})}}
register_paths({
    "/working-groups/{slug}/documents": {
        "get": op("A group's documents", tag="documents", params=_SLUG + PAGING,
                  errors=(401, 404, 422), response=page_of(_DOC)),
        "post": _multipart(op("Upload a document (its first version)", tag="documents",
                              ok=201, params=_SLUG, response=_DOC, errors=(401, 404, 413, 422)),
                           title=True)},
    "/working-groups/{slug}/documents/{document_id}": {"get": op(
        "A document with its versions", tag="documents", params=_IDS, response=_DOC)},
    "/working-groups/{slug}/documents/{document_id}/versions": {"post": _multipart(op(
        "Upload a new version", tag="documents", ok=201, params=_IDS,
        response={"$ref": "#/components/schemas/DocumentVersion"},
        errors=(401, 404, 413, 422)), title=False)},
    "/working-groups/{slug}/documents/{document_id}/versions/{number}": {"get": _DOWNLOAD},
}, {"Document": DOCUMENT, "DocumentVersion": VERSION})
