"""Rule, corpus, dry-run, feed and hit pages, driven through their forms."""

import io
import json

from queqiao.listings.models import CorpusListing
from queqiao.rules.models import Rule
from queqiao.scanning.models import FeedUpload, Hit
from tests.queqiao_rules.helpers import count, listing, make_rule, scan_dicts


def csrf_client(app, user):
    """A page client with CSRF checks on, signed in as `user`."""
    from tests.support.fixtures import login

    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    login(client, user)
    return client


RULE_FORM = {"name": "Gucci 1:1", "all_terms": "GUCCI\n马蒙", "any_terms": "", "none_terms": "专柜正品",
             "max_price": "500.00", "regions": ["CN-GD", "CN-ZJ"], "level": "high",
             "known_false_positives": "", "notes": "from the luxury group"}


def test_staff_make_a_rule_through_the_form(app, people):
    client = csrf_client(app, people["staff"])
    response = client.post("/queqiao/rules/new", data=RULE_FORM)
    assert response.status_code == 302
    rule = app.extensions["sqlalchemy"].session.query(Rule).one()
    assert rule.conditions == {"all": ["gucci", "马蒙"], "any": [], "none": ["专柜正品"],
                               "max_price": {"amount": 50000, "currency": "CNY"},
                               "regions": ["CN-GD", "CN-ZJ"]}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Gucci 1:1" in page and "¥500.00" in page


def test_a_rule_without_terms_is_shown_again_with_the_error(app, people):
    client = csrf_client(app, people["staff"])
    response = client.post("/queqiao/rules/new", data={**RULE_FORM, "all_terms": ""})
    assert response.status_code == 422
    assert "Give at least one term in all or any." in response.get_data(as_text=True)
    assert count(Rule) == 0


def test_editing_from_a_stale_page_is_refused_with_a_message(app, people):
    rule = make_rule(people["staff"])
    client = csrf_client(app, people["staff"])
    fresh = client.post(f"/queqiao/rules/{rule.id}/edit",
                        data={**RULE_FORM, "version": "1"})
    assert fresh.status_code == 302
    stale = client.post(f"/queqiao/rules/{rule.id}/edit", data={**RULE_FORM, "version": "1"})
    assert stale.status_code == 422
    assert "changed by someone else" in stale.get_data(as_text=True)


def test_activation_from_the_page_needs_the_override_when_genuine_listings_hit(app, people):
    from queqiao.listings.corpus import add_corpus_listing

    rule = make_rule(people["staff"])
    add_corpus_listing(people["staff"], "genuine", "Gucci 1:1 专柜 包装盒", None)
    client = csrf_client(app, people["staff"])
    page = client.get(f"/queqiao/rules/{rule.id}").get_data(as_text=True)
    assert 'id="override"' in page
    client.post(f"/queqiao/rules/{rule.id}/status", data={"status": "active"})
    assert app.extensions["sqlalchemy"].session.get(Rule, rule.id).status == "shadow"
    client.post(f"/queqiao/rules/{rule.id}/status", data={"status": "active", "override": "y",
                                                          "reason": "the box is a fake"})
    assert app.extensions["sqlalchemy"].session.get(Rule, rule.id).status == "active"


def test_corpus_add_and_upload_report_bad_lines(app, people):
    client = csrf_client(app, people["staff"])
    client.post("/queqiao/rules/corpus", data={"kind": "genuine", "title": "正品 Gucci",
                                               "price": "", "region": ""})
    data = "id,title,price,region\n1,GUCCI 高仿,3000,广东\n2,,100,上海\n3,LV A货,cheap,\n"
    response = client.post("/queqiao/rules/corpus/upload", data={
        "kind": "counterfeit", "file": (io.BytesIO(data.encode()), "fakes.csv")},
        content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "1 listings added" in page
    assert "Line 3:" in page and "Line 4:" in page
    assert count(CorpusListing, kind="counterfeit") == 1 and count(CorpusListing, kind="genuine") == 1


def test_dry_run_shows_what_shadow_and_active_rules_would_hit_and_stores_nothing(app, people):
    active = make_rule(people["staff"], "active", name="Active gucci")
    make_rule(people["staff"], "shadow", name="Shadow marmont", all=["马蒙"])
    make_rule(people["staff"], "retired", name="Retired gucci", all=["gucci"])
    client = csrf_client(app, people["staff"])
    response = client.post("/queqiao/dry-run", data={
        "listings": "ＧＵＣＣＩ 高仿 马蒙 | 300 | 广东\n普通 包包\n马蒙 | abc"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Active gucci" in page and "Shadow marmont" in page and "Retired gucci" not in page
    assert "1 of 2 listings would be hit" in page
    assert "Line 3:" in page
    assert count(Hit) == 0
    assert active.id


def test_feed_upload_scans_every_good_row_and_reports_bad_lines(app, people):
    app.config["QUEQIAO_FEED_INLINE"] = True
    make_rule(people["staff"], "active")
    client = csrf_client(app, people["staff"])
    rows = [json.dumps(listing(f"F{n}")) for n in range(3)]
    rows.insert(1, "{not json")
    rows.append(json.dumps({"id": "x"}))
    body = ("\n".join(rows) + "\n").encode()
    response = client.post("/queqiao/feeds", data={
        "feed": (io.BytesIO(body), "feed.jsonl")}, content_type="multipart/form-data")
    assert response.status_code == 302
    app.extensions["sqlalchemy"].session.expire_all()
    feed = app.extensions["sqlalchemy"].session.query(FeedUpload).one()
    assert (feed.status, feed.rows, feed.scanned, feed.hits, feed.bad_count) == (
        "done", 5, 3, 3, 2)
    assert [row["line"] for row in feed.bad_rows] == [2, 5]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Line 2:" in page and "Scan finished." in page
    progress = client.get(f"/queqiao/feeds/{feed.id}/progress").get_json()
    assert progress["done"] is True and progress["hits"] == 3


def test_bad_rows_read_in_each_readers_language(app, people, make):
    """The scan runs in a worker with no reader; the bad rows it keeps are worded in each
    language, and each member of staff reads them in theirs. A row that is valid JSON but
    not an object (a list, a bare string) is a bad listing, not an error message."""
    app.config["QUEQIAO_FEED_INLINE"] = True
    make_rule(people["staff"], "active")
    reader = make.make_user("staff", people["staff"].organisation, locale="zh")
    rows = [json.dumps(listing("Z1")), "{not json", json.dumps({"id": "x"}), "[1]",
            json.dumps("take this as an error")]
    response = csrf_client(app, people["staff"]).post("/queqiao/feeds", data={
        "feed": (io.BytesIO(("\n".join(rows) + "\n").encode()), "feed.jsonl")},
        content_type="multipart/form-data")
    location = response.headers["Location"]
    english = csrf_client(app, people["staff"]).get(location).get_data(as_text=True)
    chinese = csrf_client(app, reader).get(location).get_data(as_text=True)
    english = english[english.index('id="bad-rows"'):]
    chinese = chinese[chinese.index('id="bad-rows"'):]
    assert "Line 2: This line is not a JSON object." in english
    assert "Line 3: title: This field is required." in english
    assert "Line 4: listing: Each listing must be an object." in english
    assert "Line 5: listing: Each listing must be an object." in english
    assert "take this as an error" not in english
    for text in ("This line is not a JSON object.", "This field is required.",
                 "Each listing must be an object."):
        assert text not in chinese
    assert "第 2 行：该行不是 JSON 对象。" in chinese or "该行不是 JSON 对象。" in chinese


def test_feed_upload_of_csv_is_idempotent_with_api_scans(app, people):
    app.config["QUEQIAO_FEED_INLINE"] = True
    make_rule(people["staff"], "active")
    scan_dicts(people["staff"], listing("C1"))
    client = csrf_client(app, people["staff"])
    data = ("id,title,price,seller_id,region,url\n"
            "C1,GUCCI 高仿 马蒙包,30000,s,广东,https://m.example/C1\n"
            "C2,gucci 1:1,abc,s,,\nC3,gucci,\n")
    client.post("/queqiao/feeds", data={"feed": (io.BytesIO(data.encode()), "feed.csv")},
                content_type="multipart/form-data")
    app.extensions["sqlalchemy"].session.expire_all()
    feed = app.extensions["sqlalchemy"].session.query(FeedUpload).one()
    assert (feed.rows, feed.scanned, feed.hits, feed.bad_count) == (3, 1, 0, 2)
    assert [row["line"] for row in feed.bad_rows] == [3, 4]
    assert count(Hit) == 1


def test_a_feed_of_the_wrong_type_is_refused(app, people):
    client = csrf_client(app, people["staff"])
    response = client.post("/queqiao/feeds", data={"feed": (io.BytesIO(b"x"), "feed.exe")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and count(FeedUpload) == 0


def test_hit_page_records_an_outcome_and_links_a_test_purchase_proposal(app, people):
    make_rule(people["staff"], "active")
    scan_dicts(people["staff"], listing("L1", seller="shop-9"))
    hit = app.extensions["sqlalchemy"].session.query(Hit).one()
    client = csrf_client(app, people["staff"])
    page = client.get(f"/queqiao/hits/{hit.id}").get_data(as_text=True)
    assert (f"/test-purchases/new?source_kind=rule_hit&amp;source_ref={hit.id}"
            "&amp;platform=marketplace&amp;seller_id=shop-9"
            "&amp;listing_url=https%3A%2F%2Fmarket.example%2FL1") in page
    client.post(f"/queqiao/hits/{hit.id}/outcome", data={"outcome": "taken_down"})
    assert app.extensions["sqlalchemy"].session.get(Hit, hit.id).outcome == "taken_down"
    repeat = client.post(f"/queqiao/hits/{hit.id}/outcome", data={"outcome": "false_positive"},
                         follow_redirects=True)
    assert "already has an outcome" in repeat.get_data(as_text=True)


def test_hit_list_filters_and_staff_home_shows_latest_hits(app, people, as_user):
    make_rule(people["staff"], "active")
    scan_dicts(people["staff"], listing("L1", title="GUCCI 高仿 一号", seller="s1"),
               listing("L2", title="GUCCI 高仿 二号", seller="s2"))
    client = as_user(people["staff"])
    page = client.get("/queqiao/hits?seller_id=s2").get_data(as_text=True)
    assert "二号" in page and "一号" not in page
    home = client.get("/home").get_data(as_text=True)
    assert "Latest rule hits" in home and "一号" in home
    assert "Latest rule hits" not in as_user(people["member"]).get("/home").get_data(as_text=True)


def test_pages_read_in_chinese(app, people):
    from tests.support.factories import make_user

    staff = make_user("staff", locale="zh")
    make_rule(staff)
    client = csrf_client(app, staff)
    assert "监测规则" in client.get("/queqiao/rules").get_data(as_text=True)
    assert "试运行" in client.get("/queqiao/dry-run").get_data(as_text=True)


def test_a_broken_csv_row_is_reported_and_the_rest_still_scanned(app, people):
    app.config["QUEQIAO_FEED_INLINE"] = True
    make_rule(people["staff"], "active", all=["gucci"])
    client = csrf_client(app, people["staff"])
    data = b"id,title\nA,gucci one\nB,bad\x00row\nC,gucci two\n"
    client.post("/queqiao/feeds", data={"feed": (io.BytesIO(data), "feed.csv")},
                content_type="multipart/form-data")
    app.extensions["sqlalchemy"].session.expire_all()
    feed = app.extensions["sqlalchemy"].session.query(FeedUpload).one()
    assert feed.status == "done" and feed.hits == 2
    assert [row["line"] for row in feed.bad_rows] == [3]


def test_rule_and_hit_lists_page_and_keep_their_filters(app, people, as_user, monkeypatch):
    monkeypatch.setattr("portal.paging.PER_PAGE", 2)
    for i in range(3):  # retired rules hit nothing: the one active rule makes the hits
        make_rule(people["staff"], "retired", name=f"Retired {i}")
    make_rule(people["staff"], "active", name="Active rule")
    client = as_user(people["staff"])
    first = client.get("/queqiao/rules?status=retired").get_data(as_text=True)
    assert "Retired 2" in first and "Retired 0" not in first and "Active rule" not in first
    assert "/queqiao/rules?status=retired&amp;page=2" in first
    second = client.get("/queqiao/rules?status=retired&page=2").get_data(as_text=True)
    assert "Retired 0" in second and "Retired 2" not in second
    assert 'href="/queqiao/rules?status=retired"' in second and "page=3" not in second  # page 1
    scan_dicts(people["staff"], *(listing(f"L{i}", title=f"GUCCI 高仿 {i}号", seller="s1")
                                  for i in range(3)),
               listing("L9", title="GUCCI 高仿 别家", seller="s2"))
    hits = client.get("/queqiao/hits?seller_id=s1").get_data(as_text=True)
    assert "2号" in hits and "0号" not in hits and "别家" not in hits
    assert "seller_id=s1&amp;page=2" in hits
    older = client.get("/queqiao/hits?seller_id=s1&page=2").get_data(as_text=True)
    assert "0号" in older and "2号" not in older and "别家" not in older
