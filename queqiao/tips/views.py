"""Tip pages: list and search, write, edit, detail with history and conversation,
vetting queue, feedback and track record. Thin: the services decide."""

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal import parsing
from portal.accounts.models import Organisation
from portal.authz import access, can, require, require_visible
from portal.backlinks import backlinks
from portal.errors import InvalidInput
from portal.extensions import db
from portal.forms import form_step, show_errors
from portal.i18n import Translated, current_locale
from portal.uploads import send_stored

from . import bp, bulk, services
from .export import tips_csv
from .feedback import feedback_for
from .forms import (
    CommentForm,
    EvidenceForm,
    ImportForm,
    NoteForm,
    ReviewForm,
    SharingForm,
    TipForm,
    form_errors,
    sharing_choices,
)
from .lifecycle import ACTION_LABELS, REASON_TEMPLATES, SHARING_LABELS, STATUS_LABELS
from .models import Tip
from .queries import TipFilters, own_tips, parse_filters, similar_tips, tips_query, vetting_page
from .track_record import track_record

PER_PAGE = 50


def _labels() -> dict:
    return {"status_labels": Translated(STATUS_LABELS), "sharing_labels": Translated(SHARING_LABELS),
            "action_labels": Translated(ACTION_LABELS)}


@bp.get("/tips")
@access("signed_in")
def tips():
    """Tips the person may see, with search and filters."""
    try:
        filters, errors = parse_filters(request.args), {}
    except InvalidInput as e:
        filters, errors = TipFilters(q=(request.args.get("q") or "")[:200]), e.fields
    rows = db.session.scalars(tips_query(current_user, filters, page=True).limit(PER_PAGE)).all()
    groups = sorted({g for g in _all_groups()}, key=lambda g: g.position)
    return render_template("queqiao/tips.html", tips=rows, filters=filters, errors=errors,
                           groups=groups, **_labels())


@bp.get("/tips/export.csv")
@access("signed_in")
def export_csv():
    """The tips the person may see (with the list's filters) as CSV."""
    try:
        filters = parse_filters(request.args)
    except InvalidInput:
        filters = TipFilters()
    rows = db.session.scalars(tips_query(current_user, filters)).all()
    return Response(tips_csv(rows), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=tips.csv"})


@bp.get("/tips/ours.csv")
@access("signed_in")
def export_own_csv():
    """The person's organisation's tips, in the columns the import reads."""
    return bulk.csv_download(own_tips(current_user))


@bp.route("/tips/import", methods=["GET", "POST"])
@access("tip.create")
def import_tips():
    """Upload many tips at once; each row is checked as a single tip, a dry run first."""
    form = ImportForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("queqiao/tip_import.html", form=form, result=None,
                               columns=", ".join(bulk.COLUMNS)), status
    limits = {"max_bytes": current_app.config["TIPS_IMPORT_MAX_BYTES"],
              "max_rows": current_app.config["TIPS_IMPORT_MAX_ROWS"]}
    try:
        rows, kind = bulk.read_upload(form.file.data, **limits)
        result = services.import_tips(current_user, rows, dry_run=form.dry_run.data,
                                      rename=bulk.csv_fields if kind == "csv" else dict)
    except InvalidInput as e:
        show_errors(form, e)
        return render_template("queqiao/tip_import.html", form=form, result=None,
                               columns=", ".join(bulk.COLUMNS)), 422
    if result.created:
        flash(ngettext("%(num)d tip was submitted for vetting.",
                       "%(num)d tips were submitted for vetting.", len(result.created)),
              "success")
    return render_template("queqiao/tip_import.html", form=form, result=result,
                           lines=_import_lines(result), columns=", ".join(bulk.COLUMNS))


def _import_lines(result: services.ImportResult) -> list[dict]:
    """Every row of an import in order: the tip it made (if any) or its field errors."""
    made = dict(zip(result.valid_rows, result.created, strict=False))
    lines = [{"row": row, "fields": {},
              "tip": db.session.get(Tip, made[row]) if row in made else None}
             for row in result.valid_rows]
    lines += [{"row": e["row"], "tip": None, "fields": e["fields"]} for e in result.errors]
    return sorted(lines, key=lambda line: line["row"])


def _all_groups():
    from portal.accounts.groups import group_list

    return group_list()


def _tip_form(form: TipForm | None = None) -> TipForm:
    form = form or TipForm()
    locale = current_locale()
    form.working_group.choices = [(g.slug, g.name(locale))
                                  for g in current_user.organisation.active_groups]
    form.sharing.choices = sharing_choices()
    return form


@bp.route("/tips/new", methods=["GET", "POST"])
@access("tip.create")
def new_tip():
    """Write a tip; it goes to the vetting queue."""
    form = _tip_form()
    if request.method == "POST":
        files, kept = request.files.getlist(form.evidence.name), request.form.getlist("kept")
        try:
            tip = services.create_tip(current_user, form.data_for_service(), evidence=files,
                                      kept=kept)
        except InvalidInput as e:
            return _tip_form_again(form, e, None, files, kept)
        flash(_("Your tip was submitted for vetting."), "success")
        return redirect(url_for("queqiao.tip_detail", tip_id=tip.id))
    return render_template("queqiao/tip_form.html", form=form, tip=None)


@bp.route("/tips/<int:tip_id>/edit", methods=["GET", "POST"])
@access("signed_in")
def edit_tip(tip_id: int):
    """Edit a waiting or returned tip."""
    tip = services.get_tip(current_user, tip_id)
    require("tip.edit_now", tip)
    form = _tip_form()
    if request.method == "GET":
        form.fill_from(tip)
        return render_template("queqiao/tip_form.html", form=form, tip=tip)
    files, kept = request.files.getlist(form.evidence.name), request.form.getlist("kept")
    try:
        services.edit_tip(current_user, tip, form.data_for_service(),
                          version=_int(request.form.get("version")), evidence=files, kept=kept)
    except InvalidInput as e:
        return _tip_form_again(form, e, tip, files, kept)
    flash(_("The tip was saved."), "success")
    return redirect(url_for("queqiao.tip_detail", tip_id=tip.id))


def _tip_form_again(form: TipForm, error: InvalidInput, tip: Tip | None, files, kept):
    """The form with its errors (422), keeping the evidence files the person had chosen."""
    show_errors(form, form_errors(error))
    kept_files = services.keep_evidence(current_user, files, kept)
    return render_template("queqiao/tip_form.html", form=form, tip=tip,
                           kept_files=kept_files), 422


def _int(value):
    return parsing.identifier(value)


def _detail(tip: Tip, status: int = 200, **forms):
    sharing_form = forms.get("sharing_form") or SharingForm(sharing=tip.sharing)
    sharing_form.sharing.choices = sharing_choices()
    context = {
        "tip": tip,
        "review_form": forms.get("review_form") or ReviewForm(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
        "sharing_form": sharing_form,
        "similar": similar_tips(current_user, tip),
        "reason_templates": [str(r) for r in REASON_TEMPLATES],
        "lifecycle_actions": _actions(tip),
        "info_request": _info_request(tip),
        "backlinks": backlinks(current_user, "tip", tip.id),
        **_labels(),
    }
    return render_template("queqiao/tip_detail.html", **context), status


def _info_request(tip: Tip):
    """The staff's open request for more information (the latest step into needs_info)."""
    if tip.status != "needs_info":
        return None
    return next((e for e in reversed(tip.events) if e.to_status == "needs_info"), None)


def _actions(tip: Tip) -> set[str]:
    from .lifecycle import TIP_LIFECYCLE

    return set(TIP_LIFECYCLE.actions_from(tip.status))


@bp.get("/tips/<int:tip_id>")
@access("signed_in")
def tip_detail(tip_id: int):
    """One tip: indicators, evidence, history, similar tips, conversation, actions."""
    return _detail(services.get_tip(current_user, tip_id))


def _act(tip_id: int, form_cls, form_key: str, action, success: str):
    """Run a service from a small form on the detail page; errors re-show the page."""
    tip = services.get_tip(current_user, tip_id)
    form = form_cls()
    if form_key == "sharing_form":
        form.sharing.choices = sharing_choices()
    return form_step(form, lambda: action(tip, form),
                     reshow=lambda status: _detail(tip, status, **{form_key: form}),
                     done=lambda: redirect(url_for("queqiao.tip_detail", tip_id=tip.id)),
                     message=success)


@bp.post("/tips/<int:tip_id>/review")
@access("signed_in")  # the tip decides: 404 unless one may see it, then 403 unless staff
def review_tip(tip_id: int):
    """Staff decide."""
    return _act(tip_id, ReviewForm, "review_form",
                lambda tip, f: services.review_tip(current_user, tip, f.decision.data,
                                                   f.reason.data),
                _("The decision was recorded."))


@bp.post("/tips/<int:tip_id>/resubmit")
@access("signed_in")
def resubmit_tip(tip_id: int):
    """Back to the queue."""
    return _act(tip_id, NoteForm, "note_form",
                lambda tip, f: services.resubmit_tip(current_user, tip, f.note.data),
                _("The tip is back in the vetting queue."))


@bp.post("/tips/<int:tip_id>/withdraw")
@access("signed_in")
def withdraw_tip(tip_id: int):
    """Take the tip back."""
    return _act(tip_id, NoteForm, "note_form",
                lambda tip, f: services.withdraw_tip(current_user, tip, f.note.data),
                _("The tip was withdrawn."))


@bp.post("/tips/<int:tip_id>/sharing")
@access("signed_in")
def change_sharing(tip_id: int):
    """Widen (or, on the record, narrow) who may see the tip."""
    return _act(tip_id, SharingForm, "sharing_form",
                lambda tip, f: services.change_sharing(current_user, tip, f.sharing.data),
                _("Sharing was changed."))


@bp.post("/tips/<int:tip_id>/comments")
@access("signed_in")
def comment(tip_id: int):
    """Add to the conversation."""
    return _act(tip_id, CommentForm, "comment_form",
                lambda tip, f: services.add_comment(current_user, tip, f.body.data),
                _("Your comment was posted."))


@bp.post("/tips/<int:tip_id>/attachments")
@access("signed_in")
def upload(tip_id: int):
    """Add an evidence file."""
    return _act(tip_id, EvidenceForm, "evidence_form",
                lambda tip, f: services.add_attachment(current_user, tip,
                                                       request.files.get("file")),
                _("The evidence was added."))


@bp.get("/tips/<int:tip_id>/attachments/<int:attachment_id>")
@access("signed_in")
def attachment(tip_id: int, attachment_id: int):
    """An evidence file, for those who may see the tip."""
    a = services.get_attachment(current_user, tip_id, attachment_id)
    return send_stored(a.sha256, a.mime, a.filename)


@bp.get("/tips/<int:tip_id>/feedback")
@access("signed_in")
def feedback(tip_id: int):
    """What the tip achieved, over time."""
    tip = services.get_tip(current_user, tip_id)
    require("tip.feedback", tip)
    return render_template("queqiao/tip_feedback.html", tip=tip, feedback=feedback_for(tip),
                           **_labels())


@bp.get("/vetting")
@access("tip.review")
def vetting():
    """The queue: trusted contributors first, then the longest waiting, a page at a time."""
    page = vetting_page(current_user, PER_PAGE)
    return render_template("queqiao/vetting.html", entries=page.rows, page=page, **_labels())


@bp.get("/track-record")
@access("signed_in")
def track_record_page():
    """A contributor's record: one's own organisation, or any for platform staff."""
    org_id = _int(request.args.get("org")) or current_user.organisation_id
    org = require_visible("tip.track_record", db.session.get(Organisation, org_id))
    orgs = []
    if can(current_user, "staff"):
        orgs = db.session.scalars(db.select(Organisation).where(Organisation.kind == "member")
                                  .order_by(Organisation.name)).all()
    return render_template("queqiao/track_record.html", org=org, orgs=orgs,
                           record=track_record(org.id))
