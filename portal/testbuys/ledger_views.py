"""The ledger page, its CSV, recording settlement payments, and the reports page."""

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..authz import access
from ..errors import Forbidden, InvalidInput
from ..forms import show_errors
from . import bp, forms, ledger, reports


def _settlement_form(form=None):
    form = form or forms.SettlementForm()
    payers = ledger.payers_to(current_user)
    oversees = current_user.is_staff or current_user.is_admin
    payees = payers if oversees else {current_user.organisation_id}
    names = ledger.org_names(payers | payees)
    form.from_org.choices = [(str(o), names[o]) for o in sorted(payers, key=names.get)]
    form.to_org.choices = [(str(o), names[o]) for o in sorted(payees, key=names.get)]
    if not oversees and not form.to_org.data:  # a member company confirms what it received
        form.to_org.data = str(current_user.organisation_id)
    return form


def _render(form=None, status: int = 200):
    books = ledger.ledgers_for(current_user)
    ids = set()
    for led in books.values():
        ids |= set(led.balances) | set(led.paid) | set(led.owed)
        ids |= {t.from_ for t in led.settlements} | {t.to for t in led.settlements}
    return render_template("testbuys/ledger.html", books=books, names=ledger.org_names(ids),
                           form=_settlement_form(form)), status


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
        if form.amount.minor in (None, "invalid"):
            raise InvalidInput({"amount": _("Give an amount such as 128.50.")})
        ledger.record_payment(current_user, from_org=form.from_org.data, to_org=form.to_org.data,
                              amount=(form.amount.minor, "CNY"), note=form.note.data)
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
