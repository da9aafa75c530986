"""A brand's report as CSV (its figures) and XLSX (figures, tips, purchases)."""

import csv
import io

from flask_babel import gettext as _
from openpyxl import Workbook

from portal.spreadsheets import safe_cell

from .labels import BRAND_METRICS, STATUS_LABELS, VERDICT_LABELS, lookup


def _cell(value, kind: str):
    """A figure as a spreadsheet value: money in yuan with two decimals, shares as ratios."""
    if value is None:
        return ""
    if kind == "money":
        return f"{value['amount'] / 100:.2f}"
    return value


def summary_rows(figures: dict) -> list[list]:
    """(figure, value, unit) per figure."""
    rows = []
    for path, label, kind in BRAND_METRICS:
        value = lookup(figures, path)
        unit = value["currency"] if kind == "money" and value else ""
        rows.append([str(label), _cell(value, kind), unit])
    return rows



def to_csv(figures: dict) -> str:
    """The figures as CSV (UTF-8 with a byte-order mark, so spreadsheets read Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Figure"), _("Value"), _("Unit")])
    writer.writerow([_("Organisation"), safe_cell(figures["organization"]["name"]), ""])
    writer.writerow([_("Year"), figures["year"], ""])
    for row in summary_rows(figures):
        writer.writerow([safe_cell(c) for c in row])
    return "\ufeff" + out.getvalue()


def to_xlsx(figures: dict, tips: list[dict], purchases: list[dict]) -> bytes:
    """The figures, the tips and the purchases, one sheet each."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Summary")[:31]
    sheet.append([_("Figure"), _("Value"), _("Unit")])
    sheet.append([_("Organisation"), safe_cell(figures["organization"]["name"]), ""])
    sheet.append([_("Year"), figures["year"], ""])
    for label, value, unit in summary_rows(figures):
        sheet.append([label, float(value) if unit and value != "" else value, unit])
    tip_sheet = book.create_sheet(_("Tips")[:31])
    tip_sheet.append([_("Tip"), _("Title"), _("Brand"), _("Status"), _("Shared on"), _("Rules"),
                      _("Hits"), _("Taken down")])
    for t in tips:
        tip_sheet.append([t["id"], safe_cell(t["title"]), safe_cell(t["brand"]),
                          str(STATUS_LABELS.get(t["status"], t["status"])), t["submitted_at"][:10],
                          t["rules"], t["hits"], t["taken_down"]])
    buy_sheet = book.create_sheet(_("Test purchases")[:31])
    buy_sheet.append([_("Purchase"), _("Platform"), _("Seller"), _("Status"), _("Verdict"),
                      _("Cost"), _("Our share"), _("Currency"), _("Participants"), _("Referral")])
    for p in purchases:
        buy_sheet.append([p["id"], safe_cell(p["platform"]), safe_cell(p["seller_id"]), p["status"],
                          str(VERDICT_LABELS.get(p["verdict"], p["verdict"])),
                          None if p["cost"] is None else p["cost"] / 100,
                          None if p["share"] is None else p["share"] / 100, p["currency"],
                          p["participants"], _("yes") if p["referral"] else _("no")])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()

