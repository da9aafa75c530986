"""Pages: the alliance dashboard, the annual report (page, PDF, the secretariat's edit and
publish steps) and a brand's own report with its CSV, XLSX and PDF."""

import json
from contextlib import nullcontext

from flask import Response, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from portal.accounts.models import Organisation
from portal.authz import access, can, require_visible
from portal.errors import NotFound
from portal.extensions import db
from portal.forms import button_step, form_step, rerender
from portal.i18n import current_locale

from . import annual, bp, brand, export, figures, pdf, services
from .context import MONTHS, report_context
from .forms import EditionForm


def _year_arg() -> int:
    """?year=, the current year when absent (422 naming it when off)."""
    return services.check_year(request.args.get("year"))


def _path_year(year: int) -> int:
    """A year in the address: outside the years a report can cover, there is no such page."""
    if not annual.first_year() <= year <= annual.latest_year():
        raise NotFound()
    return year


def _lang() -> str | None:
    value = request.args.get("lang")
    return value if value in pdf.LANGUAGES else None


def _chart(figs: dict) -> str:
    """The monthly series for Chart.js, as JSON for a data- attribute."""
    return json.dumps({"months": [str(m) for m in MONTHS], **(figs.get("monthly") or {}),
                       "members": figs.get("members", {}).get("total_by_month")})


def _context(**extra):
    return report_context(**extra)


@bp.get("")
@access("report.alliance")
def dashboard():
    """The alliance's figures, live: members, groups, Queqiao, purchases, the board."""
    year = _year_arg()
    figs = figures.alliance_recent(year)
    return render_template("reports/dashboard.html", **_context(
        year=year, figs=figs, figures_html=figures_html(year, figs),
        own_org=current_user.organisation))


def figures_html(year: int, figs: dict) -> Markup:
    """The dashboard's figures as HTML. They are alliance-wide, the same for every reader,
    so while the sums are kept (`computed_at` unchanged) they are rendered once per
    language and reused, not rendered again for each request."""
    key = (year, str(current_locale()))
    kept = current_app.extensions.setdefault("reports.dashboard_html", {})
    hit = kept.get(key)
    if hit is not None and hit[0] == figs["computed_at"]:
        return hit[1]
    html = Markup(render_template("reports/_dashboard_figures.html", **_context(
        year=year, figs=figs, chart=_chart(figs), nothing=_is_empty(figs))))
    kept[key] = (figs["computed_at"], html)
    return html


def _is_empty(figs: dict) -> bool:
    monthly = figs.get("monthly") or {}
    return not figs["organizations"] and not any(sum(v or []) for v in monthly.values())


# --- the annual report ---------------------------------------------------------------------

def _annual(year: int):
    item = services.edition(year)
    content = item.figures if item is not None and item.is_published else annual.content(year)
    return item, content


@bp.get("/annual")
@access("report.alliance")
def annual_index():
    """The latest year's report (its own page lists the others)."""
    return redirect(url_for("reports.annual_page", year=annual.latest_year()))


@bp.get("/annual/<int:year>")
@access("report.alliance")
def annual_page(year: int):
    """The year's report, printable, in the reader's language (or ?lang=)."""
    year = _path_year(year)
    lang = _lang()
    with force_locale(lang) if lang else nullcontext():
        item, content = _annual(year)
        return render_template("reports/annual.html", **_context(
            year=year, edition=item, content=content, locale=lang or current_locale(),
            pdf=False))


@bp.get("/annual/<int:year>.pdf")
@access("report.alliance")
def annual_pdf(year: int):
    """The year's report as a PDF: the frozen file once published, else made now."""
    year = _path_year(year)
    lang = _lang() or current_locale()
    item = services.edition(year)
    data = item.pdf(lang) if item is not None and item.is_published else None
    if data is None:
        data = pdf.render("reports/annual_pdf.html", lang, year=year, content=annual.content(year),
                          edition=item)
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="alliance-report-{year}-{lang}.pdf"'})


@bp.route("/annual/<int:year>/edit", methods=["GET", "POST"])
@access("report.edit")
def annual_edit(year: int):
    """The secretariat's foreword and notes for the year's edition."""
    year = _path_year(year)
    item = services.edition(year)
    form = EditionForm(obj=item)
    if request.method == "GET" and item is not None:
        form.version.data = str(item.version)
    page = "reports/edit.html"
    if item is not None and item.is_published:
        status = 409 if request.method == "POST" else 200
        return render_template(page, form=form, year=year, edition=item), status
    if not form.validate_on_submit():
        if request.method == "POST":
            return rerender(page, form, year=year, edition=item)
        return render_template(page, form=form, year=year, edition=item)
    return form_step(
        form, lambda: services.save_draft(current_user, year, form.data, form.version.data),
        reshow=lambda status: (render_template(page, form=form, year=year, edition=item), status),
        done=lambda: redirect(url_for("reports.annual_page", year=year)),
        message=_("The draft is saved."))


@bp.post("/annual/<int:year>/publish")
@access("report.edit")
def annual_publish(year: int):
    """Freeze the year's edition: figures and PDFs stay as they are now."""
    year = _path_year(year)
    return button_step(lambda: services.publish(current_user, year),
                       back=lambda: redirect(url_for("reports.annual_page", year=year)),
                       message=_("The annual report for %(year)s is published.", year=year))


# --- a brand's own report ------------------------------------------------------------------

def _organisation(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    return require_visible("report.organisation", org)


def _brand(org_id: int):
    org = _organisation(org_id)
    year = _year_arg()
    return org, year, figures.organisation(org, year)


@bp.get("/brand")
@access("report.organisation")
def brand_own():
    """The reader's own organisation's report."""
    year = request.args.get("year")
    return redirect(url_for("reports.brand_page", org_id=current_user.organisation_id,
                            **({"year": year} if year else {})))


@bp.get("/brand/<int:org_id>")
@access("report.organisation")
def brand_page(org_id: int):
    """One organisation's tips, rules' hits, purchases, spend and referrals."""
    org, year, figs = _brand(org_id)
    return render_template("reports/brand.html", **_context(
        org=org, year=year, figs=figs, tips=brand.tip_rows(org.id, year),
        purchases=brand.purchase_rows(org.id, year), chart=_chart(figs), pdf=False,
        others=_others()))


def _others() -> list[Organisation]:
    if not can(current_user, "report.any_organisation"):
        return []
    return list(db.session.scalars(select(Organisation).where(Organisation.kind == "member")
                                   .order_by(Organisation.name)))


@bp.get("/brand/<int:org_id>.csv")
@access("report.organisation")
def brand_csv(org_id: int):
    """The organisation's figures as CSV."""
    org, year, figs = _brand(org_id)
    return Response(export.to_csv(figs), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="report-{org.id}-{year}.csv"'})


@bp.get("/brand/<int:org_id>.xlsx")
@access("report.organisation")
def brand_xlsx(org_id: int):
    """The organisation's figures, tips and purchases as a workbook."""
    org, year, figs = _brand(org_id)
    data = export.to_xlsx(figs, brand.tip_rows(org.id, year), brand.purchase_rows(org.id, year))
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="report-{org.id}-{year}.xlsx"'})


@bp.get("/brand/<int:org_id>.pdf")
@access("report.organisation")
def brand_pdf(org_id: int):
    """The organisation's report as a PDF."""
    org, year, figs = _brand(org_id)
    lang = _lang() or current_locale()
    data = pdf.render("reports/brand_pdf.html", lang, org=org, year=year, figs=figs,
                      tips=brand.tip_rows(org.id, year), purchases=brand.purchase_rows(org.id, year))
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="report-{org.id}-{year}-{lang}.pdf"'})

