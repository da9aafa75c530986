"""Rule pages: list, make (from a tip), edit, prove on the corpus, move through the lifecycle."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from portal import parsing
from portal.authz import access
from portal.errors import Conflict, InvalidInput, NotFound
from portal.extensions import db
from portal.forms import rerender, show_errors
from portal.paging import page_of
from queqiao.listings import corpus as known_listings
from queqiao.listings.models import CorpusListing

from . import bp, services, tips_link
from .forms import CorpusForm, CorpusUploadForm, RuleForm, StatusForm
from .lifecycle import RULE_LIFECYCLE
from .models import STATUSES


@bp.get("")
@access("staff")
def index():
    """Rules by status, newest first, a page at a time."""
    status = request.args.get("status")
    rules = page_of(services.rules_query(status))
    return render_template("queqiao_rules/index.html", rules=rules.rows, status=status,
                           page=rules,
                           statuses=STATUSES, counts=services.rule_counts(),
                           awaiting=tips_link.accepted_tips_without_rules())


@bp.route("/new", methods=["GET", "POST"])
@access("staff")
def new():
    """Make a rule; ?tip_id= pre-fills the conditions from an accepted tip."""
    form = RuleForm()
    if request.method == "GET":
        tip_id = parsing.identifier(request.args.get("tip_id"))
        prefill = tips_link.tip_prefill(tip_id) if tip_id else None
        if prefill:
            form.tip_id.data = tip_id
            form.name.data = prefill.get("name", "")
            form.brand.data = prefill.get("brand") or ""
            form.fill(prefill["conditions"])
    if form.validate_on_submit():
        try:
            rule = services.create_rule(current_user, form.values())
        except InvalidInput as error:
            show_errors(form, _form_fields(error))
        else:
            flash(_("Rule saved in shadow mode. Check it on the corpus before activating it."),
                  "success")
            return redirect(url_for(".detail", rule_id=rule.id))
    if form.is_submitted():
        return rerender("queqiao_rules/form.html", form, rule=None)
    return render_template("queqiao_rules/form.html", form=form, rule=None)


@bp.get("/<int:rule_id>")
@access("staff")
def detail(rule_id: int):
    """A rule, its versions, what it does on the corpus, its recent hits."""
    from queqiao.scanning.models import Hit

    rule = services.get_rule(rule_id)
    hits = db.session.scalars(select(Hit).where(Hit.rule_id == rule.id)
                              .order_by(Hit.id.desc()).limit(20)).all()
    proof = services.corpus_results(rule)
    return render_template("queqiao_rules/detail.html", rule=rule, proof=proof,
                           refusal=services.proof_refusal(rule, proof), hits=hits,
                           folded=services.folded_results(rule),
                           actions=RULE_LIFECYCLE.actions_from(rule.status),
                           status_form=StatusForm())


@bp.route("/<int:rule_id>/edit", methods=["GET", "POST"])
@access("staff")
def edit(rule_id: int):
    """Edit a rule: saving makes its next version."""
    rule = services.get_rule(rule_id)
    if rule.status == "retired":
        flash(_("A retired rule cannot be edited."), "warning")
        return redirect(url_for(".detail", rule_id=rule.id))
    form = RuleForm(obj=rule)
    del form.tip_id
    if request.method == "GET":
        form.fill(rule.conditions)
        form.version.data = str(rule.version)
    if form.validate_on_submit():
        try:
            values = form.values()
            values.pop("tip_id", None)
            values["version"] = parsing.whole_number(form.version.data, "version", low=0,
                                                     high=parsing.MAX_ID, default=0)
            services.update_rule(current_user, rule, values)
        except InvalidInput as error:
            show_errors(form, _form_fields(error))
        except Conflict as conflict:
            form.form_errors = [conflict.message]
        else:
            flash(_("Saved as version %(v)d.", v=rule.version), "success")
            return redirect(url_for(".detail", rule_id=rule.id))
    if form.is_submitted():
        return rerender("queqiao_rules/form.html", form, rule=rule)
    return render_template("queqiao_rules/form.html", form=form, rule=rule)


@bp.post("/<int:rule_id>/status")
@access("staff")
def status(rule_id: int):
    """Activate, return to shadow or retire a rule."""
    rule = services.get_rule(rule_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            services.change_status(current_user, rule, form.status.data,
                                   override=form.override.data, reason=form.reason.data)
        except (Conflict, InvalidInput) as refusal:
            flash(refusal.message if isinstance(refusal, Conflict)
                  else " ".join(refusal.fields.values()), "danger")
            return redirect(url_for(".detail", rule_id=rule.id)), 303
        flash(_status_message(rule), "success")
    return redirect(url_for(".detail", rule_id=rule.id))


def _status_message(rule) -> str:
    """What the change did, in words the staff can check."""
    if rule.status == "active":
        return _("Rule %(id)d v%(v)d is live; it scans from the next feed.", id=rule.id,
                 v=rule.version)
    if rule.status == "retired":
        return _("Rule %(id)d is retired; it no longer scans.", id=rule.id)
    return _("The rule is now %(status)s.", status=_status_label(rule.status))


def _status_label(status: str) -> str:
    return {"shadow": _("shadow"), "active": _("active"), "retired": _("retired")}[status]


def _form_fields(error: InvalidInput) -> InvalidInput:
    """Map the service's condition fields onto the form's field names."""
    names = {"conditions.all": "all_terms", "conditions.any": "any_terms",
             "conditions.none": "none_terms", "conditions.regions": "regions",
             "conditions.max_price": "max_price", "conditions": "all_terms"}
    return InvalidInput({names.get(k, k): v for k, v in error.fields.items()})


# --- the corpus ---------------------------------------------------------------------


@bp.route("/corpus", methods=["GET", "POST"])
@access("staff")
def corpus():
    """Known-genuine and known-counterfeit listings that rules are proven on."""
    form = CorpusForm()
    if form.validate_on_submit():
        try:
            known_listings.add_corpus_listing(current_user, form.kind.data, form.title.data,
                                              form.price.fen(), form.region.data,
                                              brand=form.brand.data or None)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Listing added to the corpus."), "success")
            return redirect(url_for(".corpus", kind=form.kind.data))
    kind = request.args.get("kind")
    query = known_listings.corpus_query(kind)
    brand = parsing.text(request.args.get("brand"), "brand", max_length=120)  # 422 on a NUL
    if brand:
        query = query.where(func.lower(CorpusListing.brand) == brand.lower())
    items = db.session.scalars(query.limit(500)).all()
    page = render_template("queqiao_rules/corpus.html", form=form, items=items, kind=kind,
                           brand=brand,
                           upload=CorpusUploadForm(), counts=known_listings.corpus_counts())
    return (page, 422) if form.is_submitted() else page


@bp.post("/corpus/upload")
@access("staff")
def corpus_upload():
    """Add many listings to the corpus from a file; bad rows are reported by line."""
    form = CorpusUploadForm()
    if form.validate_on_submit():
        try:
            added, bad = known_listings.import_corpus(current_user, form.kind.data,
                                                      form.file.data, form.brand.data or None)
        except InvalidInput as error:
            flash(" ".join(error.fields.values()), "danger")
        else:
            flash(_("%(n)d listings added to the corpus.", n=added), "success")
            for row in bad[:20]:
                flash(_("Line %(line)d: %(error)s", line=row["line"], error=row["error"]),
                      "warning")
    return redirect(url_for(".corpus"))


@bp.post("/corpus/<int:item_id>/remove")
@access("staff")
def corpus_remove(item_id: int):
    """Take one listing out of the corpus."""
    item = db.session.get(CorpusListing, item_id)
    if item is None:
        raise NotFound()
    known_listings.remove_corpus_listing(current_user, item)
    flash(_("Listing removed from the corpus."), "success")
    return redirect(url_for(".corpus"))
