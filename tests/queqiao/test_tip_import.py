"""Bulk tips: importing CSV or a JSON array, dry runs, size limits, the importable export."""

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.extensions import db
from queqiao.tips.models import Tip
from tests.queqiao.tipkit import make_tip, tip_data
from tests.support import factories


def tip_count() -> int:
    return db.session.scalar(select(func.count(Tip.id)))


def csv_body(*rows: dict, columns=("title", "description", "brand", "working_group", "sharing",
                                     "keywords", "exclude", "max_price", "currency",
                                     "regions")) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def csv_row(**overrides) -> dict:
    row = {"title": "高仿手袋", "description": "Logo misspelt.", "brand": "Maison Lumière",
           "working_group": "luxury-goods", "sharing": "platform",
           "keywords": "高仿 | 原单", "exclude": "正品保证", "max_price": "150000",
           "currency": "CNY", "regions": "Guangdong | Zhejiang"}
    row.update(overrides)
    return row


def send(caller, body, content_type: str = "text/csv", query: str = ""):
    """POST a raw body (or a multipart dict) to the import as the API client `caller`."""
    headers = {"Authorization": f"Bearer {caller.token}"}
    if isinstance(body, dict):
        return caller.client.post(f"/api/v1/tips/import{query}", data=body, headers=headers,
                                  content_type="multipart/form-data")
    return caller.client.post(f"/api/v1/tips/import{query}", data=body,
                              headers={**headers, "Content-Type": content_type})


def send_csv(caller, body: bytes, query: str = ""):
    return send(caller, body, "text/csv", query)


def test_json_array_of_good_rows_creates_each_tip_as_post_tips_would(people, api):
    member = people["member"]
    body = [tip_data(title="First"), tip_data(title="Second", sharing="alliance")]
    r = api(member).post("/api/v1/tips/import", json=body)
    assert r.status_code == 200, r.get_json()
    data = r.get_json()
    assert data["errors"] == [] and len(data["created"]) == 2 and data["dry_run"] is False
    tips = [db.session.get(Tip, i) for i in data["created"]]
    assert [t.title for t in tips] == ["First", "Second"]
    assert all(t.status == "submitted" and t.organisation_id == member.organisation_id
               and t.author_id == member.id for t in tips)
    assert tips[1].sharing == "alliance" and tips[0].keywords == ["高仿", "原单", "lumiere outlet"]
    shown = api(member).get(f"/api/v1/tips/{data['created'][0]}").get_json()
    assert shown["indicators"]["max_price"] == {"amount": 150000, "currency": "CNY"}


def test_bad_rows_are_reported_by_field_and_write_nothing_for_them(people, api):
    body = [tip_data(title="Good one"),
            tip_data(title="", indicators={"keywords": []}),
            "not a tip",
            tip_data(working_group="pharmaceutical"),
            tip_data(title="Good two", status="accepted", organisation_id=999)]
    r = api(people["member"]).post("/api/v1/tips/import", json=body)
    assert r.status_code == 200
    data = r.get_json()
    assert len(data["created"]) == 2 and data["valid_rows"] == [1, 5]
    errors = {e["row"]: e["fields"] for e in data["errors"]}
    assert set(errors) == {2, 3, 4}
    assert set(errors[2]) == {"title", "indicators.keywords"}
    assert set(errors[3]) == {"row"}
    assert set(errors[4]) == {"working_group"}
    titles = set(db.session.scalars(select(Tip.title)))
    assert titles == {"Good one", "Good two"}
    # Server-owned fields in a row are ignored exactly as POST /tips ignores them.
    two = db.session.scalar(select(Tip).where(Tip.title == "Good two"))
    assert two.status == "submitted" and two.organisation_id == people["member"].organisation_id


def test_csv_rows_are_checked_like_single_tips_and_errors_name_the_column(people, api):
    body = csv_body(csv_row(title="Good"), csv_row(keywords="", max_price="cheap"),
                    csv_row(sharing="everyone"))
    r = send_csv(api(people["member"]), body)
    assert r.status_code == 200
    data = r.get_json()
    assert len(data["created"]) == 1
    errors = {e["row"]: e["fields"] for e in data["errors"]}
    assert set(errors[2]) == {"keywords", "max_price"} and set(errors[3]) == {"sharing"}
    tip = db.session.get(Tip, data["created"][0])
    assert tip.keywords == ["高仿", "原单"] and tip.regions == ["CN-GD", "CN-ZJ"]  # through the gazetteer
    assert (tip.max_price_amount, tip.max_price_currency) == (150000, "CNY")


def test_dry_run_checks_every_row_and_writes_nothing(people, api):
    caller = api(people["member"])
    audit_before = db.session.scalar(select(func.count(AuditEvent.id)))
    body = [tip_data(), tip_data(title="")]
    r = caller.post("/api/v1/tips/import?dry_run=1", json=body)
    assert r.status_code == 200
    data = r.get_json()
    assert data == {"created": [], "valid_rows": [1], "dry_run": True,
                    "errors": [{"row": 2, "fields": {"title": data["errors"][0]["fields"]["title"]}}]}
    assert tip_count() == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))) == audit_before


def test_the_export_imports_again_to_the_same_tips(people, api):
    member = people["member"]
    make_tip(member, title="=HYPERLINK(evil)", brand="Maison Lumière",
             description="多行\n描述, with \"quotes\"", sharing="working_group")
    make_tip(member, title="Second", indicators={"keywords": ["复刻"], "exclude": [],
                                                "max_price": None, "regions": []})
    make_tip(people["outsider"], title="Another company's tip", working_group="pharmaceutical")
    exported = api(member).get("/api/v1/tips/export")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    text = exported.get_data(as_text=True)
    assert "Another company" not in text and "'=HYPERLINK" in text
    before = {t.id for t in db.session.scalars(select(Tip))}
    r = send_csv(api(member), exported.get_data())
    assert r.status_code == 200 and r.get_json()["errors"] == []
    again = [db.session.get(Tip, i) for i in r.get_json()["created"]]
    originals = sorted((t for t in db.session.scalars(select(Tip)) if t.id in before
                        and t.organisation_id == member.organisation_id), key=lambda t: t.id)

    def facts(t):
        return (t.title, t.description, t.brand, t.working_group_id, t.sharing, t.keywords,
                t.exclusions, t.regions, t.max_price_amount, t.max_price_currency)

    assert [facts(t) for t in again] == [facts(t) for t in originals]
    assert again[0].title == "=HYPERLINK(evil)"


def test_the_page_export_link_gives_the_same_csv(people, api, as_user):
    make_tip(people["member"], title="Ours")
    page = as_user(people["member"]).get("/queqiao/tips/ours.csv")
    assert page.status_code == 200 and "Ours" in page.get_data(as_text=True)
    assert page.get_data() == api(people["member"]).get("/api/v1/tips/export").get_data()


def test_too_many_rows_is_413_with_the_limit(app, people, api):
    app.config["TIPS_IMPORT_MAX_ROWS"] = 3
    r = api(people["member"]).post("/api/v1/tips/import", json=[tip_data()] * 4)
    assert r.status_code == 413
    assert r.get_json()["error"]["code"] == "batch_too_large"
    assert "3" in r.get_json()["error"]["message"] and tip_count() == 0


def test_too_many_bytes_is_413_before_reading(app, people, api):
    app.config["TIPS_IMPORT_MAX_BYTES"] = 2048
    body = [tip_data(description="x" * 3000)]
    r = api(people["member"]).post("/api/v1/tips/import", json=body)
    assert r.status_code == 413 and "2 KB" in r.get_json()["error"]["message"]
    assert tip_count() == 0


@pytest.mark.parametrize("body, content_type", [
    (b"{\"title\": 1}", "application/json"),
    (b"[not json", "application/json"),
    (b"", "application/json"),
    (b"name,colour\nx,y\n", "text/csv"),
    (b"title,description,brand,working_group,keywords\n", "text/csv"),
    (b"\xff\xfe\x00bad", "text/csv"),
])
def test_unreadable_imports_are_422_with_a_message(people, api, body, content_type):
    r = send(api(people["member"]), body, content_type)
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"]["file"]
    assert tip_count() == 0


def test_multipart_file_upload_is_read_by_its_name(people, api):
    files = {"file": (io.BytesIO(json.dumps([tip_data()]).encode()), "tips.json")}
    r = send(api(people["member"]), files)
    assert r.status_code == 200 and len(r.get_json()["created"]) == 1


@pytest.mark.parametrize("role, status", [("member", 200), ("chair", 200), ("outsider", 200),
                                          ("staff", 403), ("admin", 403), (None, 401)])
def test_who_may_import(people, api, role, status):
    r = api(people[role] if role else None).post("/api/v1/tips/import?dry_run=1",
                                                 json=[tip_data(working_group="pharmaceutical")
                                                       if role == "outsider" else tip_data()])
    assert r.status_code == status


@pytest.mark.parametrize("role, status", [("member", 200), ("staff", 200), ("admin", 200),
                                          (None, 401)])
def test_export_is_only_ever_the_callers_own_organisations(people, api, role, status):
    make_tip(people["member"], title="Member's own")
    r = api(people[role] if role else None).get("/api/v1/tips/export")
    assert r.status_code == status
    if status == 200:
        assert ("Member's own" in r.get_data(as_text=True)) == (role == "member")


def test_colleague_exports_the_organisations_tips_but_other_brand_does_not(people, api):
    make_tip(people["member"], title="Ours")
    colleague = factories.make_user("member", org=people["member"].organisation)
    assert "Ours" in api(colleague).get("/api/v1/tips/export").get_data(as_text=True)
    assert "Ours" not in api(people["chair"]).get("/api/v1/tips/export").get_data(as_text=True)


# --- the page ------------------------------------------------------------------------


def upload(client, body: bytes, name: str = "tips.csv", dry_run: bool = True):
    data = {"file": (io.BytesIO(body), name)}
    if dry_run:
        data["dry_run"] = "y"
    return client.post("/queqiao/tips/import", data=data, content_type="multipart/form-data")


def test_import_page_is_linked_from_the_tips_page_and_has_a_dry_run_first(people, as_user):
    c = as_user(people["member"])
    assert 'href="/queqiao/tips/import"' in c.get("/queqiao/tips").get_data(as_text=True)
    html = c.get("/queqiao/tips/import").get_data(as_text=True)
    assert 'name="dry_run"' in html and "checked" in html and 'href="/queqiao/tips/ours.csv"' in html


def test_page_dry_run_shows_the_table_and_writes_nothing(people, as_user):
    body = csv_body(csv_row(title="Fine"), csv_row(brand=""))
    r = upload(as_user(people["member"]), body)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="import-rows"' in html
    assert "Would be submitted" in html and "<code>brand</code>" in html
    assert tip_count() == 0


def test_page_import_writes_the_good_rows_and_links_them(people, as_user):
    r = upload(as_user(people["member"]), csv_body(csv_row(title="Fine"), csv_row(brand="")),
               dry_run=False)
    html = r.get_data(as_text=True)
    tip = db.session.scalar(select(Tip))
    assert tip_count() == 1 and f'href="/queqiao/tips/{tip.id}"' in html


def test_page_without_a_file_shows_the_form_again(people, as_user):
    r = as_user(people["member"]).post("/queqiao/tips/import", data={"dry_run": "y"})
    assert r.status_code == 422 and "Choose a CSV or JSON file." in r.get_data(as_text=True)


def test_page_in_chinese(as_user):
    html = as_user(factories.make_user("member", locale="zh")).get(
        "/queqiao/tips/import").get_data(as_text=True)
    assert "导入线索" in html and "只检查，不写入" in html


@pytest.mark.parametrize("role, status", [("member", 200), ("staff", 404), ("admin", 404)])
def test_who_sees_the_import_page(people, as_user, role, status):
    assert as_user(people[role]).get("/queqiao/tips/import").status_code == status


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get("/queqiao/tips/import").status_code in (302, 401)
    assert client.get("/queqiao/tips/ours.csv").status_code in (302, 401)
