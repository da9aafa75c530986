"""Test purchase pages: list, propose, the purchase with its steps, evidence, dossier."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import parsing
from portal.accounts.groups import group_list
from portal.accounts.models import Organisation, User
from portal.authz import access, can, require, visible
from portal.backlinks import backlinks
from portal.errors import Conflict, Forbidden, InvalidInput
from portal.extensions import db
from portal.forms import button_step, form_step, show_errors
from portal.i18n import Translated, current_locale
from portal.paging import Page, page_number, page_of, page_of_list
from portal.ui import format_money
from portal.uploads import send_stored

from . import bp, evidence, forms, ledger, reports, services
from .access import joinable_group_ids
from .lifecycle import JOINABLE, LIFECYCLE, STATUS_COLOURS, STATUS_LABELS, VERDICT_LABELS
from .models import STATUSES, Evidence, TestPurchase


@bp.app_context_processor
def _labels():
    return {"tp_status": Translated(STATUS_LABELS), "tp_colour": STATUS_COLOURS,
            "tp_verdict": Translated(VERDICT_LABELS)}


@bp.get("")
@access("signed_in")
def index():
    """Purchases the person may see, with filters."""
    query = select(TestPurchase).where(visible(current_user, TestPurchase))
    status, group = request.args.get("status", ""), request.args.get("group", "")
    if status in STATUSES:
        query = query.where(TestPurchase.status == status)
    groups = group_list()
    chosen = next((g for g in groups if g.slug == group), None)
    if chosen:
        query = query.where(TestPurchase.working_group_id == chosen.id)
    # A page at a time: staff see every group's purchases, a list that only grows. Its rows
    # show no participants (the database has already kept the page to what the person may see).
    page = page_of(query.order_by(TestPurchase.id.desc()))
    # Open purchases of the person's working groups it may join: found here, not guessed.
    # Only a member company of a purchase's group may join, so only those are read.
    groups_of_company = joinable_group_ids(current_user)
    joinable = [(p, services.join_share(p, current_user.organisation_id))
                for p in db.session.scalars(select(TestPurchase).where(
                    visible(current_user, TestPurchase),
                    TestPurchase.working_group_id.in_(groups_of_company),
                    TestPurchase.status.in_(JOINABLE))
                    .options(selectinload(TestPurchase.participants))
                    .order_by(TestPurchase.id.desc()).limit(200))
                if can(current_user, "test_purchase.join", p)] if groups_of_company else []
    return render_template("testbuys/index.html", purchases=page.rows, page=page,
                           statuses=STATUSES,
                           groups=groups, status=status, group=group, joinable=joinable,
                           join_form=forms.JoinForm())


def _group_choices():
    locale = current_locale()
    return [("", _("— none —"))] + [(g.slug, g.name(locale)) for g in group_list()]


@bp.route("/new", methods=["GET", "POST"])
@access("test_purchase.propose")
def new():
    """Propose a target; prefilled from a rule hit's link; offers to join a duplicate."""
    form = forms.ProposeForm(request.form if request.method == "POST" else None,
                             data=_prefill() if request.method == "GET" else None)
    form.working_group.choices = _group_choices()
    existing, status = None, 200
    if request.method == "POST" and form.validate():
        try:
            purchase = services.propose(
                current_user, platform=form.platform.data, seller_id=form.seller_id.data,
                listing_url=form.listing_url.data, working_group=form.working_group.data or None,
                reason=form.reason.data, budget=_money(form.budget, "budget"),
                source_kind=form.source_kind.data or None, source_ref=form.source_ref.data,
                weight=form.weight.data or 1)
        except InvalidInput as e:
            show_errors(form, e)
            status = 422
        except services.DuplicateTarget as e:
            existing, status = db.session.get(TestPurchase, e.extra["existing_id"]), 409
        else:
            flash(_("Test purchase proposed."), "success")
            return redirect(url_for(".show", purchase_id=purchase.id), 303)
    elif request.method == "POST":
        status = 422
    return render_template("testbuys/new.html", form=form, existing=existing,
                           join_form=forms.JoinForm()), status


def _prefill() -> dict:
    args = request.args
    data = {k: args[k] for k in ("platform", "seller_id", "listing_url", "reason",
                                 "working_group") if args.get(k)}
    if args.get("source_kind") and (args["source_kind"] != "rule_hit"
                                    or can(current_user, "test_purchase.propose_from_hit")):
        data["source_kind"] = args["source_kind"]
        data["source_ref"] = args.get("source_ref", "")
    elif not can(current_user, "test_purchase.take_part"):
        data["source_kind"] = "analytics"
    return data


def _money(field, name: str):
    """(fen, CNY) from a YuanField, or InvalidInput naming the field."""
    amount = parsing.yuan(field.data, name)
    return None if amount is None else (amount, "CNY")


def _get(purchase_id: int) -> TestPurchase:
    return services.get_purchase(purchase_id, current_user)


def _step_forms(purchase: TestPurchase) -> dict:
    """The forms of the steps this person may take now."""
    out = {}
    steps = {"schedule": forms.ScheduleForm, "order": forms.OrderForm,
             "receive": forms.ReceiveForm, "authenticate": forms.AuthenticateForm,
             "close": forms.CloseForm, "cancel": forms.CancelForm}
    for action in LIFECYCLE.actions_from(purchase.status):
        # a brand's own verdict on its own item; every other step steers the purchase
        rule = "test_purchase.give_verdict" if action == "authenticate" else "test_purchase.steer"
        if action == "close" and purchase.status == "received" and not purchase.authentications:
            continue  # closing early needs at least one brand's verdict
        if can(current_user, rule, purchase):
            out[action] = steps[action](prefix=action)
    if "schedule" in out:
        _saved_schedule(purchase, out["schedule"])
    _choices(purchase, out)
    return out


def _saved_schedule(purchase: TestPurchase, form) -> None:
    """A reschedule starts from the saved day and buyer, so changing one keeps the other."""
    if purchase.scheduled_for is not None:
        form.scheduled_for.data = purchase.scheduled_for.replace(tzinfo=None)
    if purchase.purchaser_id is not None:
        form.purchaser_id.data = str(purchase.purchaser_id)


def _saved_outcome(purchase: TestPurchase):
    """The outcome form showing what was saved, so saving again changes only what is edited."""
    form = forms.OutcomeForm(prefix="outcome")
    form.taken_down.data = purchase.taken_down_at is not None
    form.seller_penalised.data = purchase.seller_penalised_at is not None
    form.value_involved.show_fen(purchase.value_involved)
    return form


def _choices(purchase: TestPurchase, step_forms: dict) -> None:
    if "schedule" in step_forms:
        org_ids = purchase.participant_org_ids()
        people = db.session.scalars(select(User).join(Organisation).where(
            (User.organisation_id.in_(org_ids)) | (Organisation.kind == "platform"))
            .order_by(User.name)).all()
        step_forms["schedule"].purchaser_id.choices = [
            (str(u.id), f"{u.name} ({u.organisation.name})") for u in people
            if can(u, "test_purchase.buy", purchase)]
    if "order" in step_forms:
        orgs = [p.organisation for p in purchase.active_participants]
        if purchase.purchaser and purchase.purchaser.organisation not in orgs:
            orgs.insert(0, purchase.purchaser.organisation)
        if not services.names_payer(current_user, purchase):
            orgs = []  # the purchaser's organisation paid
        step_forms["order"].paid_by.choices = [("", _("the purchaser's organisation"))] + [
            (str(o.id), o.name) for o in orgs]


def _render_show(purchase: TestPurchase, status: int = 200, step_forms: dict | None = None,
                 evidence_form=None, outcome_form=None):
    forms_now = _step_forms(purchase)
    forms_now.update(step_forms or {})
    _choices(purchase, forms_now)
    report = evidence.verify_purchase(purchase)
    orgs = {p.organisation_id: p.organisation for p in purchase.participants}
    return render_template(
        "testbuys/show.html", p=purchase, shares=services.shares(purchase), orgs=orgs,
        payer=services.payer_org_id(purchase), report=report, steps=forms_now,
        join_form=forms.JoinForm(), evidence_form=evidence_form or forms.EvidenceForm(),
        outcome_form=outcome_form or _saved_outcome(purchase),
        referral_due=services.referral_due(purchase),
        threshold=services.criminal_threshold(),
        known_value=services.seller_known_value(purchase),
        can_act=can(current_user, "test_purchase.act", purchase),
        can_steer=can(current_user, "test_purchase.steer", purchase),
        awaiting=services.awaiting_verdicts(purchase) if purchase.status == "received" else [],
        verdict_so_far=services.verdict_so_far(purchase),
        would_pay=services.join_share(purchase, current_user.organisation_id),
        can_join=can(current_user, "test_purchase.join", purchase),
        can_request=can(current_user, "test_purchase.request_join", purchase),
        can_leave=can(current_user, "test_purchase.leave", purchase),
        backlinks=backlinks(current_user, "test_purchase", purchase.id)), status


@bp.get("/<int:purchase_id>")
@access("signed_in")
def show(purchase_id: int):
    """One purchase: plan, shares, steps, evidence, custody log and its badge."""
    return _render_show(_get(purchase_id))


@bp.post("/<int:purchase_id>/join")
@access("signed_in")
def join(purchase_id: int):
    """The person's organisation joins."""
    form = forms.JoinForm()
    weight = form.weight.data if form.validate() else "invalid"
    try:
        row = services.join(current_user, purchase_id, weight)
    except InvalidInput:
        flash(_("A weight is a whole number from 1 to %(n)d.", n=services.MAX_WEIGHT), "danger")
        return _back_or_list(purchase_id)
    except Conflict as e:
        flash(e.message, "danger")
        return _back_or_list(purchase_id)
    if row.status == "requested":
        flash(_("Your request to join was sent; the lead organisation or platform staff "
                "decide."), "success")
    else:
        flash(_("Your organisation takes part."), "success")
    return _back_or_list(purchase_id)


def _back_or_list(purchase_id: int):
    """To the purchase if the person may see it, else to the list (a request tells no more)."""
    if can(current_user, "test_purchase.view", db.session.get(TestPurchase, purchase_id)):
        return redirect(url_for(".show", purchase_id=purchase_id), 303)
    return redirect(url_for(".index"), 303)


@bp.post("/<int:purchase_id>/requests/<int:organization_id>/<any(approve, decline):decision>")
@access("signed_in")
def decide_request(purchase_id: int, organization_id: int, decision: str):
    """The lead organisation or staff let a requesting organisation join, or decline it."""
    _get(purchase_id)  # 404 before anything else for a purchase the reader cannot see
    return button_step(lambda: services.decide_request(
        current_user, purchase_id, organization_id, approve=decision == "approve"),
        back=lambda: _back_to(purchase_id),
        message=_("The organisation takes part.") if decision == "approve"
        else _("The request was declined."))


@bp.post("/<int:purchase_id>/leave")
@access("signed_in")
def leave(purchase_id: int):
    """The person's organisation leaves before the order."""
    try:
        services.leave(current_user, purchase_id)
    except Conflict as e:
        flash(e.message, "danger")
        return redirect(url_for(".show", purchase_id=purchase_id), 303)
    flash(_("Your organisation no longer takes part."), "success")
    if can(current_user, "test_purchase.view", db.session.get(TestPurchase, purchase_id)):
        return redirect(url_for(".show", purchase_id=purchase_id), 303)
    return redirect(url_for(".index"), 303)


STEPS = {"schedule": forms.ScheduleForm, "order": forms.OrderForm, "receive": forms.ReceiveForm,
         "authenticate": forms.AuthenticateForm, "close": forms.CloseForm,
         "cancel": forms.CancelForm}


def _run_step(action: str, purchase: TestPurchase, form):
    from datetime import UTC

    def aware(value):
        return value.replace(tzinfo=UTC) if value else None

    if action == "schedule":
        return services.schedule(current_user, purchase.id,
                                 scheduled_for=aware(form.scheduled_for.data),
                                 purchaser_id=form.purchaser_id.data)
    if action == "order":
        return services.order(current_user, purchase.id, order_number=form.order_number.data,
                              cost=_money(form.cost, "cost"), paid_by=form.paid_by.data or None)
    if action == "receive":
        return services.receive(current_user, purchase.id,
                                received_at=aware(form.received_at.data), notes=form.notes.data)
    if action == "authenticate":
        return services.authenticate(current_user, purchase.id, verdict=form.verdict.data,
                                     method=form.method.data, notes=form.notes.data)
    if action == "close":
        return services.close(current_user, purchase.id, summary=form.summary.data)
    return services.cancel(current_user, purchase.id, reason=form.reason.data)


@bp.post("/<int:purchase_id>/step/<action>")
@access("signed_in")
def step(purchase_id: int, action: str):
    """Take one step of the lifecycle; field errors re-show the page, illegal moves say why."""
    if action not in STEPS:
        abort(404)
    purchase = _get(purchase_id)
    form = STEPS[action](prefix=action)
    _choices(purchase, {action: form})
    if not form.validate():
        return _render_show(purchase, 422, {action: form})
    return form_step(form, lambda: _run_step(action, purchase, form),
                     reshow=lambda status: _render_show(
                         _get(purchase_id), status, {action: form} if status == 422 else None),
                     done=lambda: _back_to(purchase_id),
                     message=lambda: _step_message(action, _get(purchase_id)))


def _step_message(action: str, purchase: TestPurchase) -> str:
    """What the step did, in words the participants can check."""
    if action == "schedule":
        return _("Test purchase #%(id)d is scheduled for %(when)s UTC; %(buyer)s buys.",
                 id=purchase.id, when=purchase.scheduled_for.strftime("%Y-%m-%d %H:%M"),
                 buyer=purchase.purchaser.name if purchase.purchaser else "—")
    if action == "authenticate":
        return _("Your verdict on test purchase #%(id)d is recorded; the participants are "
                 "notified.", id=purchase.id)
    if action == "close":
        return _("Test purchase #%(id)d is closed; its verdict and cost shares are final and "
                 "the participants are notified.", id=purchase.id)
    if action == "cancel":
        return _("Test purchase #%(id)d is cancelled; the participants are notified.",
                 id=purchase.id)
    return _("Test purchase #%(id)d is now %(status)s.", id=purchase.id,
             status=STATUS_LABELS[purchase.status])


@bp.post("/<int:purchase_id>/outcome")
@access("signed_in")
def outcome(purchase_id: int):
    """Takedown, penalty and value involved."""
    _get(purchase_id)  # 404 before reading a form for a purchase the reader cannot see
    form = forms.OutcomeForm(prefix="outcome")
    return form_step(form, lambda: services.record_outcome(
        current_user, purchase_id, taken_down=form.taken_down.data,
        seller_penalised=form.seller_penalised.data,
        value_involved=_money(form.value_involved, "value_involved")),
        reshow=lambda status: _render_show(_get(purchase_id), status, **(
            {"outcome_form": form} if status == 422 else {})),
        done=lambda: _back_to(purchase_id), message=_("Saved."))


@bp.post("/<int:purchase_id>/evidence")
@access("signed_in")
def upload(purchase_id: int):
    """Add a photo or document."""
    purchase = _get(purchase_id)
    form = forms.EvidenceForm()
    return form_step(form, lambda: services.add_evidence(
        current_user, purchase, request.files.get("file"), form.description.data or ""),
        reshow=lambda status: _render_show(_get(purchase_id), status, **(
            {"evidence_form": form} if status == 422 else {})),
        done=lambda: _back_to(purchase_id), message=_("Evidence stored and logged."))


def _back_to(purchase_id: int):
    """After a step: the purchase page (303, so a reload does not repeat the step)."""
    return redirect(url_for(".show", purchase_id=purchase_id), 303)


@bp.get("/<int:purchase_id>/evidence/<int:evidence_id>")
@access("signed_in")
def evidence_file(purchase_id: int, evidence_id: int):
    """Serve an evidence file to those who may see the purchase."""
    purchase = _get(purchase_id)
    item = db.session.get(Evidence, evidence_id)
    if item is None or item.purchase_id != purchase.id:
        abort(404)
    return send_stored(item.sha256, item.mime, item.filename)


@bp.get("/<int:purchase_id>/custody-checkpoint")
@access("signed_in")
def custody_checkpoint(purchase_id: int):
    """The signed head of this purchase's custody log, for a participant to keep."""
    from .checkpoint import purchase_checkpoint

    purchase = _get(purchase_id)
    body, filename = purchase_checkpoint(purchase, evidence.verify_purchase(purchase).ok)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/<int:purchase_id>/referral")
@access("signed_in")
def referral(purchase_id: int):
    """The referral dossier as one printable HTML file (?download=1 to save it)."""
    from .referral import dossier_response

    purchase = _get(purchase_id)
    require("test_purchase.act", purchase)
    if not services.referral_due(purchase):
        raise Forbidden(_("A referral needs a counterfeit verdict and a value involved that "
                          "reaches the criminal threshold."))
    return dossier_response(purchase, bool(request.args.get("download")))





# --- Ledger and reports pages -------------------------------------------------

def _settlement_form(form=None, payers: set[int] | None = None,
                     names: dict[int, str] | None = None):
    form = form or forms.SettlementForm()
    payers = ledger.payers_to(current_user) if payers is None else payers
    oversees = can(current_user, "test_purchase.oversee")
    payees = payers if oversees else {current_user.organisation_id}
    names = ledger.org_names(payers | payees) if names is None else names
    form.from_org.choices = [(str(o), names[o]) for o in sorted(payers, key=names.get)]
    form.to_org.choices = [(str(o), names[o]) for o in sorted(payees, key=names.get)]
    if not oversees and not form.to_org.data:  # a member company confirms what it received
        form.to_org.data = str(current_user.organisation_id)
    return form


def _render(form=None, status: int = 200):
    for param in ("page", "transfers"):  # refused even when the ledger is empty
        page_number(param)
    books, payers = ledger.ledger_page(current_user)
    ids = set(payers) | {current_user.organisation_id}
    for led in books.values():
        ids |= set(led.balances) | set(led.paid) | set(led.owed)
        ids |= {t.from_ for t in led.settlements} | {t.to for t in led.settlements}
    names = ledger.org_names(ids)
    # Staff see every company that ever shared a cost: a page of balances and of suggested
    # transfers at a time, so the page costs the same however large the alliance grows
    # (the CSV has them all).
    rows = {currency: page_of_list(_balance_order(led, names), param="page")
            for currency, led in books.items()}
    transfers = {currency: page_of_list(led.settlements, param="transfers")
                 for currency, led in books.items()}
    return render_template(
        "testbuys/ledger.html", books=books,
        rows={currency: _formatted(page, books[currency], names) for currency, page in rows.items()},
        transfers={currency: _transfer_lines(page, books[currency], names)
                   for currency, page in transfers.items()},
        form=_settlement_form(form, payers, names)), status


def _balance_order(led: ledger.Ledger, names: dict[int, str]) -> list[int]:
    """The organisations with a position in this ledger, by name."""
    return sorted(dict.fromkeys([*led.balances, *led.paid, *led.owed]),
                  key=lambda org: (names[org].casefold(), org))


def _formatted(page: Page, led: ledger.Ledger, names: dict[int, str]) -> Page:
    """The page's organisations as (name, paid, share, balance, tone), formatted here."""
    rows = []
    for org in page.rows:
        balance = led.balances.get(org, 0)
        tone = "text-success" if balance > 0 else ("text-danger" if balance < 0 else "")
        rows.append((names[org], format_money(led.paid.get(org, 0), led.currency),
                     format_money(led.owed.get(org, 0), led.currency),
                     format_money(balance, led.currency), tone))
    return Page(rows, page.number, page.has_more, page.param)


def _transfer_lines(page: Page, led: ledger.Ledger, names: dict[int, str]) -> Page:
    """The page's suggested settlements as sentences, the message looked up once for them all."""
    pays = _("%(a)s pays %(b)s %(amount)s")
    return Page([pays % {"a": names[t.from_], "b": names[t.to],
                         "amount": format_money(t.amount, led.currency)} for t in page.rows],
                page.number, page.has_more, page.param)


@bp.get("/ledger")
@access("test_purchase.ledger")
def ledger_page():
    """Who paid what and who owes whom; suggested settlements."""
    return _render()


@bp.get("/ledger.csv")
@access("test_purchase.ledger")
def ledger_csv():
    """The visible ledger as CSV."""
    return Response(ledger.ledger_csv(current_user), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="ledger.csv"'})


@bp.post("/ledger/settlements")
@access("test_purchase.ledger")
def record_settlement():
    """Record a settlement payment."""
    form = _settlement_form(forms.SettlementForm())
    try:
        amount = parsing.yuan(form.amount.data, "amount", allow_zero=False, required=True)
        ledger.record_payment(current_user, from_org=form.from_org.data, to_org=form.to_org.data,
                              amount=(amount, "CNY"), note=form.note.data)
    except InvalidInput as e:
        show_errors(form, e)
        return _render(form, 422)
    except Forbidden as e:
        flash(e.message, "danger")
        return _render(form, 403)
    flash(_("Settlement payment recorded."), "success")
    return redirect(url_for(".ledger_page"), 303)


@bp.get("/reports")
@access("signed_in")
def reports_page():
    """Spend, verdicts, counterfeit rate and time to verdict, with charts."""
    return render_template("testbuys/reports.html", figures=reports.figures(current_user))
