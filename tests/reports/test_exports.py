"""The brand's CSV and XLSX, and the text of the PDFs, in both languages."""

import csv
import io

from openpyxl import load_workbook

from tests.reports.alliance import YEAR
from tests.reports.pdftext import text


def test_the_annual_pdf_in_english(known, as_user):
    response = as_user(known["users"]["A"]).get(f"/reports/annual/{YEAR}.pdf?lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    body = text(response.data)
    assert f"Annual report {YEAR}" in body
    for line in ("Member companies 1 5 +400.0 %", "Spend on test purchases ¥0.00 ¥450.00 —",
                 "Value involved in referrals ¥0.00 ¥110,000.00 —", "Pharmaceutical 2 — — — — 0",
                 "Luxury Goods 5 2 1 1 0 3", "Endorse me Luxury Goods answered accepted",
                 "Decline me Luxury Goods declined not answered yet"):
        assert line in body, line
    for fragment in ("6.0 days", "75.0 %", "66.7 %", "20.0 days", "100.0 %",
                     "Working group: Luxury Goods", "Europe 2 (40 %)"):
        assert fragment in body, fragment
    for name in ("Brand A", "Brand B", "Brand C"):
        assert name not in body


def test_the_annual_pdf_in_chinese(known, as_user):
    body = text(as_user(known["users"]["A"]).get(f"/reports/annual/{YEAR}.pdf?lang=zh").data)
    assert f"{YEAR} 年度报告" in body
    for fragment in ("成员企业 1 5 +400.0 %", "测试购买支出 ¥0.00 ¥450.00 —", "奢侈品 5 2 1 1 0 3",
                     "医药 2 — — — — 0", "6.0 天", "20.0 天", "欧洲 2 (40 %)", "工作组：奢侈品",
                     "Endorse me 奢侈品 已答复 已采纳"):
        assert fragment in body, fragment


def test_the_pdf_follows_the_readers_language(known, as_user):
    from portal.extensions import db

    known["users"]["A"].locale = "zh"
    db.session.commit()
    body = text(as_user(known["users"]["A"]).get(f"/reports/annual/{YEAR}.pdf").data)
    assert "年度报告" in body


def test_the_printable_page(known, as_user):
    html = as_user(known["users"]["A"]).get(f"/reports/annual/{YEAR}").get_data(as_text=True)
    assert f"Annual report {YEAR}" in html and "reports.css" in html
    assert f'/reports/annual/{YEAR}.pdf?lang=en' in html
    zh = as_user(known["users"]["A"]).get(f"/reports/annual/{YEAR}?lang=zh").get_data(as_text=True)
    assert f"{YEAR} 年度报告" in zh and "顾问委员会的建议及其结果" in zh


def test_the_brand_csv(known, as_user):
    org = known["orgs"]["A"]
    response = as_user(known["users"]["A"]).get(f"/reports/brand/{org.id}.csv?year={YEAR}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))}
    assert rows["Organisation"] == ["Brand A", ""]
    assert rows["Tips shared"] == ["2", ""] and rows["Tips accepted"] == ["1", ""]
    assert rows["Active rules"] == ["1", ""] and rows["Hits"] == ["2", ""]
    assert rows["Listings taken down"] == ["1", ""]
    assert rows["Test purchases"] == ["2", ""] and rows["Found counterfeit"] == ["1", ""]
    assert rows["Spend on test purchases"] == ["300.00", "CNY"]
    assert rows["Our share of joint costs"] == ["100.00", "CNY"]
    assert rows["Referrals to law enforcement"] == ["1", ""]
    assert rows["Value involved in referrals"] == ["60000.00", "CNY"]


def test_the_brand_csv_in_chinese(known, as_user):
    org = known["orgs"]["A"]
    known["users"]["A"].locale = "zh"
    from portal.extensions import db

    db.session.commit()
    body = as_user(known["users"]["A"]).get(f"/reports/brand/{org.id}.csv?year={YEAR}").get_data(
        as_text=True)
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(body.lstrip("\ufeff")))}
    assert rows["已分享的线索"] == ["2", ""] and rows["我方分摊的联合费用"] == ["100.00", "CNY"]


def test_the_brand_workbook(known, as_user):
    org = known["orgs"]["A"]
    response = as_user(known["users"]["A"]).get(f"/reports/brand/{org.id}.xlsx?year={YEAR}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Summary", "Tips", "Test purchases"]
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True)}
    assert summary["Tips shared"] == 2 and summary["Our share of joint costs"] == 100.0
    assert summary["Spend on test purchases"] == 300.0
    tips = list(book["Tips"].iter_rows(values_only=True))[1:]
    assert sorted((t[1], t[3], t[5], t[6], t[7]) for t in tips) == [
        ("Alpha rejected", "rejected", 0, 0, 0), ("Alpha tip", "accepted", 1, 2, 1)]
    buys = list(book["Test purchases"].iter_rows(values_only=True))[1:]
    assert sorted((b[2], b[4], b[5], b[6], b[9]) for b in buys) == [
        ("seller-1", "counterfeit", 300.0, 100.0, "yes"), ("seller-3", "no verdict yet", None, None, "no")]


def test_the_brand_pdf(known, as_user):
    org = known["orgs"]["A"]
    body = text(as_user(known["users"]["A"]).get(f"/reports/brand/{org.id}.pdf?year={YEAR}&lang=en").data)
    assert f"Brand A: report {YEAR}" in body
    for fragment in ("Our share of joint costs ¥100.00", "Spend on test purchases ¥300.00",
                     "Value involved in referrals ¥60,000.00", "Alpha tip accepted 1 2 1",
                     "taobao · seller-1 counterfeit ¥300.00 ¥100.00 yes"):
        assert fragment in body, fragment
    assert "Bravo" not in body and "seller-2" not in body
    zh = text(as_user(known["users"]["A"]).get(f"/reports/brand/{org.id}.pdf?year={YEAR}&lang=zh").data)
    assert f"Brand A：{YEAR} 年报告" in zh and "我方分摊的联合费用 ¥100.00" in zh
