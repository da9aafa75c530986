"""The tip pages: write with evidence, vet, edit and resubmit, feedback, queue, record."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import utcnow
from queqiao.tips.feedback import FeedbackEvent
from queqiao.tips.models import Tip, TipAttachment
from tests.queqiao.tipkit import PNG, feedback_source, make_tip


def form(**overrides) -> dict:
    data = {"title": "假冒手表识别", "brand": "Helvetia Watches", "working_group": "luxury-goods",
            "sharing": "working_group", "description": "机芯是石英的。",
            "keywords": "复刻表\nsuper clone, 一比一", "exclude": "官方旗舰店",
            "max_price": "12,000.50", "regions": "广东"}
    data.update(overrides)
    return data


def tip_count() -> int:
    return db.session.scalar(select(func.count(Tip.id)))


def test_empty_states(people, as_user):
    html = as_user(people["member"]).get("/queqiao/tips").get_data(as_text=True)
    assert "No tips yet." in html and "Share a tip" in html
    html = as_user(people["member"]).get("/queqiao/tips?q=nothing").get_data(as_text=True)
    assert "No tips match your search." in html
    html = as_user(people["staff"]).get("/queqiao/vetting").get_data(as_text=True)
    assert "Nothing waits for vetting." in html


def test_pages_are_reachable_from_the_navigation(people, as_user):
    member_home = as_user(people["member"]).get("/home").get_data(as_text=True)
    assert 'href="/queqiao/tips"' in member_home and 'href="/queqiao/vetting"' not in member_home
    staff_home = as_user(people["staff"]).get("/home").get_data(as_text=True)
    assert 'href="/queqiao/vetting"' in staff_home


def test_member_writes_a_tip_with_evidence(people, as_user):
    data = form(evidence=(io.BytesIO(PNG), "photo.png"))
    r = as_user(people["member"]).post("/queqiao/tips/new", data=data,
                                       content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    tip = db.session.scalar(select(Tip))
    assert tip.indicators == {"keywords": ["复刻表", "super clone", "一比一"],
                              "exclude": ["官方旗舰店"],
                              "max_price": {"amount": 1200050, "currency": "CNY"},
                              "regions": ["CN-GD"]}
    assert tip.sharing == "working_group" and tip.status == "submitted"
    assert [a.mime for a in tip.attachments] == ["image/png"]
    page = as_user(people["member"]).get(r.headers["Location"]).get_data(as_text=True)
    assert "复刻表" in page and "photo.png" in page and "submitted the tip" in page


@pytest.mark.parametrize("change, message", [
    ({"title": ""}, "This field is required."),
    ({"keywords": " , "}, "Give at least one keyword or phrase."),
    ({"max_price": "cheap"}, "Give an amount in yuan"),
    ({"max_price": "1.234"}, "Give an amount in yuan"),
    ({"working_group": "pharmaceutical"}, "not a member of this working group"),
    ({"sharing": "everyone"}, "Choose platform, working_group or alliance."),
    ({"evidence": (io.BytesIO(b"MZ\x90\x00 not an image"), "photo.png")},
     "This kind of file is not accepted here"),
    ({"evidence": (io.BytesIO(b"%PDF-1.4 fake"), "evil.exe")}, None),
])
def test_bad_form_input_is_shown_and_writes_nothing(people, as_user, change, message):
    r = as_user(people["member"]).post("/queqiao/tips/new", data=form(**change),
                                       content_type="multipart/form-data")
    if message is None:  # a real PDF under any name is fine: the content decides
        assert r.status_code == 302
        return
    assert r.status_code == 422
    assert message in r.get_data(as_text=True)
    assert tip_count() == 0


def test_oversized_evidence_is_refused_without_a_partial_tip(app, people, as_user):
    app.config["MAX_UPLOAD_BYTES"] = 1024
    big = PNG + b"\x00" * 2048
    r = as_user(people["member"]).post("/queqiao/tips/new",
                                       data=form(evidence=(io.BytesIO(big), "big.png")),
                                       content_type="multipart/form-data")
    assert r.status_code == 422 and "larger than" in r.get_data(as_text=True)
    assert tip_count() == 0 and db.session.scalar(select(func.count(TipAttachment.id))) == 0


def test_only_members_open_the_writing_page(people, as_user):
    assert as_user(people["member"]).get("/queqiao/tips/new").status_code == 200
    assert as_user(people["staff"]).get("/queqiao/tips/new").status_code == 404
    assert as_user(people["staff"]).post("/queqiao/tips/new", data=form()).status_code == 404


def test_staff_vet_through_the_page_with_reasons(people, as_user):
    tip = make_tip(people["member"])
    staff = as_user(people["staff"])
    page = staff.get(f"/queqiao/tips/{tip.id}").get_data(as_text=True)
    assert "Vet this tip" in page and "Insufficient evidence" in page
    r = staff.post(f"/queqiao/tips/{tip.id}/review", data={"decision": "reject", "reason": ""})
    assert r.status_code == 422 and "Give a reason the author can act on." in r.get_data(True)
    r = staff.post(f"/queqiao/tips/{tip.id}/review",
                   data={"decision": "needs_info", "reason": "Which shops?"})
    assert r.status_code == 302
    assert as_user(people["member"]).post(
        f"/queqiao/tips/{tip.id}/review", data={"decision": "accept"}).status_code == 403
    # someone who may not see the tip learns nothing of it: 404, as for any hidden object
    assert as_user(people["outsider"]).post(
        f"/queqiao/tips/{tip.id}/review", data={"decision": "accept"}).status_code == 404
    r = staff.post(f"/queqiao/tips/{tip.id}/review", data={"decision": "accept"})
    assert r.status_code == 409  # illegal from needs_info: a clear message, not a write
    db.session.expire_all()
    assert db.session.get(Tip, tip.id).status == "needs_info"


def test_author_edits_and_resubmits_through_the_pages(people, as_user):
    tip = make_tip(people["member"], status="needs_info")
    author = as_user(people["member"])
    page = author.get(f"/queqiao/tips/{tip.id}/edit").get_data(as_text=True)
    assert "lumiere outlet" in page
    r = author.post(f"/queqiao/tips/{tip.id}/edit",
                    data=form(version=str(tip.version),
                              evidence=(io.BytesIO(b"%PDF-1.7 report"), "report.pdf")),
                    content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:1500]
    r = author.post(f"/queqiao/tips/{tip.id}/resubmit", data={"note": "Added the report"})
    assert r.status_code == 302
    page = author.get(f"/queqiao/tips/{tip.id}").get_data(as_text=True)
    for text in ("asked for more information", "edited the tip", "added evidence",
                 "resubmitted the tip", "Added the report", "report.pdf"):
        assert text in page, text
    assert author.get(f"/queqiao/tips/{tip.id}/edit").status_code == 200


def test_stale_edit_page_is_refused(people, as_user):
    tip = make_tip(people["member"])
    r = as_user(people["member"]).post(f"/queqiao/tips/{tip.id}/edit",
                                       data=form(version="99"))
    assert r.status_code == 409
    db.session.expire_all()
    assert db.session.get(Tip, tip.id).title != form()["title"]


def test_edit_page_is_for_the_authors_side_while_editable(cast, as_user):
    tip = make_tip(cast["author"], sharing="alliance", status="accepted")
    assert as_user(cast["author"]).get(f"/queqiao/tips/{tip.id}/edit").status_code == 403
    waiting = make_tip(cast["author"])
    assert as_user(cast["colleague"]).get(f"/queqiao/tips/{waiting.id}/edit").status_code == 200
    assert as_user(cast["staff"]).get(f"/queqiao/tips/{waiting.id}/edit").status_code == 403
    assert as_user(cast["group_member"]).get(f"/queqiao/tips/{waiting.id}/edit").status_code == 404


def test_comments_and_sharing_through_the_page(cast, as_user):
    tip = make_tip(cast["author"], status="accepted")
    r = as_user(cast["staff"]).post(f"/queqiao/tips/{tip.id}/comments", data={"body": "**Thanks**"})
    assert r.status_code == 302
    assert as_user(cast["author"]).post(f"/queqiao/tips/{tip.id}/comments",
                                        data={"body": ""}).status_code == 422
    r = as_user(cast["author"]).post(f"/queqiao/tips/{tip.id}/sharing",
                                     data={"sharing": "alliance"})
    assert r.status_code == 302
    page = as_user(cast["other_member"]).get(f"/queqiao/tips/{tip.id}").get_data(as_text=True)
    assert "<strong>Thanks</strong>" in page and "widened the sharing" in page
    assert as_user(cast["other_member"]).post(f"/queqiao/tips/{tip.id}/sharing",
                                              data={"sharing": "platform"}).status_code == 403


def test_feedback_page_shows_real_zeros_then_counts(cast, as_user):
    tip = make_tip(cast["author"], sharing="alliance", status="accepted")
    page = as_user(cast["author"]).get(f"/queqiao/tips/{tip.id}/feedback").get_data(as_text=True)
    assert 'data-figure="hits">0<' in page and 'data-figure="precision">—<' in page
    assert "feedback-empty" in page and "feedback-chart" not in page
    now = utcnow()
    events = [FeedbackEvent(tip.id, k, now - timedelta(days=d)) for k, d in
              [("rule", 20), ("hit", 14), ("hit", 7), ("taken_down", 6), ("counterfeit", 3),
               ("genuine", 2)]]
    with feedback_source(events):
        page = as_user(cast["staff"]).get(f"/queqiao/tips/{tip.id}/feedback").get_data(True)
    assert 'data-figure="hits">2<' in page and 'data-figure="rules">1<' in page
    assert 'data-figure="precision">66.7 %<' in page  # (1 counterfeit + 1 taken down) ÷ 3
    assert 'id="feedback-chart"' in page and "queqiao-feedback.js" in page
    assert "<script>" not in page  # no inline script under the CSP
    assert as_user(cast["group_member"]).get(f"/queqiao/tips/{tip.id}/feedback").status_code == 403
    assert as_user(cast["admin"]).get(f"/queqiao/tips/{tip.id}/feedback").status_code == 404


def test_vetting_page_is_for_staff_with_waiting_time(people, as_user):
    make_tip(people["member"], title="Waiting tip")
    # the queue shows tips a member may not see: it is not there for them
    assert as_user(people["member"]).get("/queqiao/vetting").status_code == 404
    page = as_user(people["staff"]).get("/queqiao/vetting").get_data(as_text=True)
    assert "Waiting tip" in page and "less than an hour" in page


def test_track_record_page(people, as_user):
    page = as_user(people["member"]).get("/queqiao/track-record").get_data(as_text=True)
    assert "Not yet a trusted contributor." in page and "3 months" in page
    other = people["outsider"].organisation_id
    assert as_user(people["member"]).get(f"/queqiao/track-record?org={other}").status_code == 404
    staff = as_user(people["staff"]).get(f"/queqiao/track-record?org={other}")
    assert staff.status_code == 200 and people["outsider"].organisation.name in staff.get_data(True)
    assert as_user(people["admin"]).get("/queqiao/track-record").status_code == 404


def test_pages_speak_chinese(make, as_user):
    member = make.make_user("member", locale="zh")
    tip = make_tip(member, status="needs_info")
    html = as_user(member).get("/queqiao/tips").get_data(as_text=True)
    assert "分享线索" in html and "需补充信息" in html
    html = as_user(member).get(f"/queqiao/tips/{tip.id}").get_data(as_text=True)
    assert "识别特征" in html and "要求补充信息" in html


def test_csv_export_follows_filters_and_defuses_formulas(people, as_user):
    make_tip(people["member"], title="=HYPERLINK(\"http://x\")")
    make_tip(people["member"], title="Other", brand="Helvetia")
    body = as_user(people["member"]).get("/queqiao/tips/export.csv?brand=Maison+Lumière")
    text = body.get_data(as_text=True)
    assert body.mimetype == "text/csv"
    assert "'=HYPERLINK" in text and "Other" not in text and "高仿 | 原单" in text


def test_home_cards(people, as_user):
    make_tip(people["member"], title="Card tip")
    assert "Card tip" in as_user(people["staff"]).get("/home").get_data(as_text=True)
    assert "Card tip" in as_user(people["member"]).get("/home").get_data(as_text=True)
    assert "Card tip" not in as_user(people["outsider"]).get("/home").get_data(as_text=True)


def test_a_tip_holds_a_bounded_number_of_evidence_files(people, api):
    from queqiao.tips.services import MAX_ATTACHMENTS

    tip = make_tip(people["member"])
    client = api(people["member"])
    headers = {"Authorization": f"Bearer {client.token}"}
    for n in range(MAX_ATTACHMENTS):
        r = client.client.post(f"/api/v1/tips/{tip.id}/attachments", headers=headers,
                               data={"file": (io.BytesIO(PNG + bytes([n])), f"p{n}.png")},
                               content_type="multipart/form-data")
        assert r.status_code == 201
    r = client.client.post(f"/api/v1/tips/{tip.id}/attachments", headers=headers,
                           data={"file": (io.BytesIO(PNG), "one-more.png")},
                           content_type="multipart/form-data")
    assert r.status_code == 422 and "file" in r.get_json()["error"]["fields"]


def test_api_attachment_upload_checks_content_and_access(cast, api):
    tip = make_tip(cast["author"])
    def post(who, payload):
        client = api(cast[who])
        return client.client.post(f"/api/v1/tips/{tip.id}/attachments",
                                  headers={"Authorization": f"Bearer {client.token}"},
                                  data=payload, content_type="multipart/form-data")
    assert post("author", {"file": (io.BytesIO(b"<svg onload=alert(1)>"), "x.png")}
                ).status_code == 422
    assert post("author", {}).status_code == 422
    assert post("staff", {"file": (io.BytesIO(PNG), "x.png")}).status_code == 403
    assert post("group_member", {"file": (io.BytesIO(PNG), "x.png")}).status_code == 404
    r = post("colleague", {"file": (io.BytesIO(PNG), "x.png")})
    assert r.status_code == 201 and r.get_json()["mime"] == "image/png"
