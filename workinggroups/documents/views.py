"""Document pages: list and upload, a document's versions, downloads through the policy."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.authz import access
from portal.errors import InvalidInput, NotFound
from portal.extensions import db
from portal.forms import show_errors
from portal.uploads import DOCUMENTS, describe, send_stored

from .. import bp
from ..access import private_group_or_404
from . import services
from .access import document_or_404
from .forms import DocumentForm, VersionForm
from .models import DocumentVersion


def _accepted() -> str:
    return _("Accepted: %(kinds)s.", kinds=describe(DOCUMENTS))


@bp.route("/<slug>/documents", methods=["GET", "POST"])
@access("signed_in")
def documents(slug: str):
    """The group's documents, and the upload form."""
    group = private_group_or_404(slug)
    form = DocumentForm()
    if form.validate_on_submit():
        try:
            document = services.upload(current_user, group, form.title.data, form.file.data,
                                       form.note.data)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("The document is uploaded."), "success")
            return redirect(url_for(".document", slug=slug, document_id=document.id))
    rows = db.session.scalars(services.documents_of(group)).all()
    status = 422 if form.is_submitted() else 200
    return render_template("workinggroups/documents.html", group=group, documents=rows,
                           form=form, accepted=_accepted()), status


@bp.route("/<slug>/documents/<int:document_id>", methods=["GET", "POST"])
@access("signed_in")
def document(slug: str, document_id: int):
    """A document's versions, and the form for a new one."""
    group = private_group_or_404(slug)
    item = document_or_404(group, document_id)
    form = VersionForm()
    if form.validate_on_submit():
        try:
            services.add_version(current_user, item, form.file.data, form.note.data)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("The new version is uploaded."), "success")
            return redirect(url_for(".document", slug=slug, document_id=document_id))
    status = 422 if form.is_submitted() else 200
    return render_template("workinggroups/document.html", group=group, document=item, form=form,
                           accepted=_accepted()), status


@bp.get("/<slug>/documents/<int:document_id>/versions/<int:number>")
@access("signed_in")
def download(slug: str, document_id: int, number: int):
    """The bytes of one version, only for those who may see the group."""
    group = private_group_or_404(slug)
    item = document_or_404(group, document_id)
    version = db.session.scalar(select(DocumentVersion).where(
        DocumentVersion.document_id == item.id, DocumentVersion.number == number))
    if version is None:
        raise NotFound()
    return send_stored(version.sha256, version.mime, version.filename, inline=False)
