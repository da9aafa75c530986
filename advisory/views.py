"""Tracker pages: the list, one recommendation with its timeline, and the forms for each step.

Views parse a form, call a service and redirect; refusals come back as the page with the
form's errors (422) or a message saying why the step cannot happen now (409).
"""

import json
from urllib.parse import urlencode

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.groups import group_list
from portal.authz import access, can, require_visible
from portal.errors import Conflict, Forbidden, InvalidInput, NotFound
from portal.extensions import db
from portal.forms import form_step, show_errors
from portal.i18n import Translated, current_locale
from portal.models import utcnow
from portal.paging import page_of

from . import board, bp, lifecycle, links, services
from .export import to_csv
from .figures import board_figures
from .forms import (
    CATEGORY_LABELS,
    DECISION_LABELS,
    RESPONSE_LABELS,
    VOTE_LABELS,
    CommentForm,
    CompleteForm,
    DecisionForm,
    FilterForm,
    LinkForm,
    MilestoneForm,
    RecommendationForm,
    ResponseForm,
    VoteForm,
)
from .tracker import figure_records, parse_filters, tracker_query, tracker_years, with_history

LABELS = {"status": lifecycle.STATUS_LABELS, "action": lifecycle.ACTION_LABELS,
          "category": CATEGORY_LABELS, "vote": VOTE_LABELS, "decision": DECISION_LABELS,
          "response": RESPONSE_LABELS}


def _labels() -> dict[str, Translated]:
    """The labels for one page, each translated once (see Translated)."""
    return {kind: Translated(labels) for kind, labels in LABELS.items()}


def _load(rec_id: int):
    rec = services.get(rec_id)
    if rec is None:
        raise NotFound()
    return require_visible("recommendation.view", rec)


def filter_form(args) -> FilterForm:
    """The filter form with this reader's choices of group and year."""
    form = FilterForm(args)
    locale = current_locale()
    form.working_group.choices = [("", _("Any group"))] + [
        (g.slug, g.name(locale)) for g in group_list()]
    years = tracker_years(current_user)
    form.year.choices = [("", _("Any year"))] + [(str(y), str(y)) for y in years]
    return form


@bp.get("")
@access("signed_in")
def index():
    """The tracker list with filters."""
    form = filter_form(request.args)
    try:
        filters = parse_filters(request.args)
    except InvalidInput as e:
        show_errors(form, e)
        filters = {}
    # A page at a time: the tracker grows by every group's recommendations each year.
    page = page_of(tracker_query(current_user, filters))
    return render_template("advisory/index.html", recommendations=page.rows, page=page,
                           form=form, filtered=bool(filters), labels=_labels(),
                           query=filter_query(request.args))


def filter_query(args) -> str:
    """The query string of the filters alone, for the figures and the CSV (all pages)."""
    return urlencode([(k, v) for k, v in args.items(multi=True) if k != "page"])


def _group_choices() -> list[tuple[str, str]]:
    locale = current_locale()
    return [(g.slug, g.name(locale)) for g in current_user.chaired_groups()]


@bp.route("/new", methods=["GET", "POST"])
@access("recommendation.draft")
def new():
    """Draft a recommendation for a group the person chairs."""
    form = RecommendationForm()
    form.working_group.choices = _group_choices()
    if form.validate_on_submit():
        try:
            rec = services.create(current_user, _values(form))
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("Draft saved. Only your group's chairs can see it until you submit it."),
                  "success")
            return redirect(url_for("advisory.detail", rec_id=rec.id))
    status = 422 if request.method == "POST" else 200
    return render_template("advisory/form.html", form=form, rec=None), status


def _values(form: RecommendationForm) -> dict:
    values = {k: form[k].data for k in ("working_group", "title", "summary", "body", "category",
                                        "hide_tally")}
    if form.version.data:
        try:
            values["version"] = int(form.version.data)
        except ValueError:
            values["version"] = -1
    return values


@bp.route("/<int:rec_id>/edit", methods=["GET", "POST"])
@access("signed_in")
def edit(rec_id: int):
    """Edit a draft or a returned recommendation."""
    rec = _load(rec_id)
    form = RecommendationForm(obj=rec if request.method == "GET" else None)
    form.working_group.choices = [(rec.working_group.slug, rec.working_group.name(
        current_locale()))]
    if request.method == "GET":
        form.working_group.data = rec.working_group.slug
        form.version.data = str(rec.version)
    if form.validate_on_submit():
        try:
            services.update(current_user, rec, _values(form))
        except InvalidInput as e:
            show_errors(form, e)
        except Conflict as e:
            flash(e.message, "danger")
            return render_template("advisory/form.html", form=form, rec=rec), 409
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("advisory.detail", rec_id=rec.id))
    elif request.method == "GET":
        if not lifecycle.may(current_user, rec, "edit"):
            raise Forbidden()
        if not lifecycle.allowed(rec, "edit"):
            flash(_("Only drafts and returned recommendations can be edited."), "warning")
            return redirect(url_for("advisory.detail", rec_id=rec.id))
    status = 422 if request.method == "POST" else 200
    return render_template("advisory/form.html", form=form, rec=rec), status


def _page(rec, status: int = 200, **forms):
    """The recommendation page with every form its reader may use."""
    link_form = forms.get("link_form") or LinkForm(prefix="link")
    link_form.kind.choices = links.link_kind_choices()
    context = {
        "rec": rec, "labels": _labels(), "tally": board.tally(rec, current_user),
        "ballots": board.ballots(rec, current_user),
        "actions": lifecycle.available_actions(current_user, rec),
        "following": services.is_following(current_user, rec),
        "links": links.visible_links(current_user, rec),
        "can_link": bool(links.link_kinds()) and can(current_user, "recommendation.link", rec),
        "vote_form": forms.get("vote_form") or VoteForm(prefix="vote"),
        "decision_form": forms.get("decision_form") or DecisionForm(prefix="decision"),
        "response_form": forms.get("response_form") or ResponseForm(prefix="response"),
        "comment_form": forms.get("comment_form") or CommentForm(prefix="comment"),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(prefix="milestone"),
        "complete_form": forms.get("complete_form") or CompleteForm(prefix="complete"),
        "link_form": link_form,
    }
    return render_template("advisory/detail.html", **context), status


@bp.get("/<int:rec_id>")
@access("signed_in")
def detail(rec_id: int):
    """One recommendation: text, board review, answer, implementation and timeline."""
    return _page(_load(rec_id))


def _run(rec, form_name: str, form, call, done: str):
    """Validate the form, call the service; show field errors (422) or why not now (409)."""
    if not form.validate_on_submit():
        return _page(rec, 422, **{form_name: form})
    return form_step(form, call,
                     reshow=lambda status: _page(rec, status, **(
                         {form_name: form} if status == 422 else {})),
                     done=lambda: redirect(url_for("advisory.detail", rec_id=rec.id)),
                     message=done)


STEP_MESSAGES = {
    "submit": lambda rec: _("Recommendation R-%(id)d is with the board; %(n)d chairs are "
                            "notified and asked to vote by %(date)s.", id=rec.id,
                            n=services.chairs_asked(current_user),
                            date=rec.review_deadline.isoformat()),
    "withdraw": lambda rec: _("Recommendation withdrawn."),
    "cosign": lambda rec: _("Your group co-signs this recommendation."),
    "complete": lambda rec: _("Reported as implemented."),
    "close": lambda rec: _("Recommendation closed."),
}


@bp.post("/<int:rec_id>/<any(submit, withdraw, cosign, complete, close):step>")
@access("signed_in")
def take_step(rec_id: int, step: str):
    """A step that needs nothing but a click (and the form's CSRF token)."""
    rec = _load(rec_id)
    if step == "complete":
        form = CompleteForm(prefix="complete")
        return _run(rec, "complete_form", form,
                    lambda: services.complete(current_user, rec, form.note.data),
                    lambda: STEP_MESSAGES[step](rec))
    form = CommentForm(prefix="step")
    calls = {
        "submit": lambda: services.submit(current_user, rec),
        "withdraw": lambda: services.withdraw(current_user, rec),
        "cosign": lambda: services.cosign(current_user, rec),
        "close": lambda: services.close(current_user, rec),
    }
    return _run(rec, "comment_form", form, calls[step], lambda: STEP_MESSAGES[step](rec))


@bp.post("/<int:rec_id>/vote")
@access("signed_in")
def vote(rec_id: int):
    """Cast or change a vote."""
    rec = _load(rec_id)
    form = VoteForm(prefix="vote")
    return _run(rec, "vote_form", form, lambda: services.vote(
        current_user, rec, form.position.data, form.comment.data), _("Your vote is recorded."))


@bp.post("/<int:rec_id>/decision")
@access("signed_in")
def decision(rec_id: int):
    """Record the board's decision."""
    rec = _load(rec_id)
    form = DecisionForm(prefix="decision")
    return _run(rec, "decision_form", form, lambda: services.decide(
        current_user, rec, form.outcome.data, form.note.data), _("The decision is recorded."))


@bp.post("/<int:rec_id>/response")
@access("signed_in")
def response(rec_id: int):
    """The platform's response."""
    rec = _load(rec_id)
    form = ResponseForm(prefix="response")
    return _run(rec, "response_form", form, lambda: services.respond(
        current_user, rec, form.outcome.data, form.rationale.data), _("The response is sent."))


@bp.post("/<int:rec_id>/comments")
@access("signed_in")
def comment(rec_id: int):
    """A remark during board review."""
    rec = _load(rec_id)
    form = CommentForm(prefix="comment")
    return _run(rec, "comment_form", form,
                lambda: services.comment(current_user, rec, form.body.data), _("Comment added."))


@bp.post("/<int:rec_id>/milestones")
@access("signed_in")
def milestone(rec_id: int):
    """Add an implementation milestone."""
    rec = _load(rec_id)
    form = MilestoneForm(prefix="milestone")
    return _run(rec, "milestone_form", form, lambda: services.add_milestone(
        current_user, rec, form.title.data, form.target_date.data, form.progress.data or 0),
        _("Milestone added."))


@bp.post("/<int:rec_id>/milestones/<int:milestone_id>")
@access("signed_in")
def progress(rec_id: int, milestone_id: int):
    """Report a milestone's progress."""
    rec = _load(rec_id)
    form = MilestoneForm(prefix="progress")
    return _run(rec, "milestone_form", form, lambda: services.report_progress(
        current_user, rec, milestone_id, form.progress.data), _("Progress reported."))


@bp.post("/<int:rec_id>/follow")
@access("signed_in")
def follow(rec_id: int):
    """Follow or stop following."""
    rec = _load(rec_id)
    on = request.form.get("on") == "1"
    form = CommentForm(prefix="step")
    return _run(rec, "comment_form", form, lambda: services.follow(current_user, rec, on),
                _("You will hear of every step.") if on else _("You no longer follow it."))


@bp.post("/<int:rec_id>/links")
@access("signed_in")
def link(rec_id: int):
    """Link a meeting, tip or test purchase."""
    rec = _load(rec_id)
    form = LinkForm(prefix="link")
    form.kind.choices = links.link_kind_choices()
    return _run(rec, "link_form", form, lambda: services.add_link(
        current_user, rec, form.kind.data, form.ref.data), _("Link added."))


# --- Figures and the CSV export -----------------------------------------------

@bp.get("/figures")
@access("signed_in")
def figures():
    """Median days to decision and to response, answers within 30 days, implementation."""

    form = filter_form(request.args)
    try:
        filters = parse_filters(request.args)
    except InvalidInput as e:
        show_errors(form, e)
        filters = {}
    result = board_figures(figure_records(current_user, filters), utcnow())
    chart = {"years": [str(y) for y in result.by_year],
             "decision": [v["median_days_to_decision"] for v in result.by_year.values()],
             "response": [v["median_days_to_response"] for v in result.by_year.values()]}
    return render_template("advisory/figures.html", figures=result, form=form, labels=_labels(),
                           chart=json.dumps(chart), query=request.query_string.decode())


@bp.get("/export.csv")
@access("signed_in")
def export():
    """The filtered tracker as a CSV file."""
    filters = parse_filters(request.args)
    recs = db.session.scalars(with_history(tracker_query(current_user, filters))).all()
    body = to_csv(recs, request.host_url.rstrip("/"))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=recommendations.csv"})
