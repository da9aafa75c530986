"""A refused tip form keeps the evidence file the person chose, says so, and attaches it on
the next submission; nobody else can claim the kept file."""

import io
import re

from sqlalchemy import select

from portal.extensions import db
from queqiao.tips.models import Tip
from tests.queqiao.test_tip_pages import form
from tests.queqiao.tipkit import PNG


def _refused_with_photo(client):
    r = client.post("/queqiao/tips/new", data=form(title="", evidence=(io.BytesIO(PNG),
                                                                       "watch-photo.png")),
                    content_type="multipart/form-data")
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "is-invalid" in page
    return page, re.findall(r'name="kept" value="([^"]+)"', page)


def test_refused_tip_keeps_the_chosen_file_and_attaches_it_next_time(people, as_user):
    client = as_user(people["member"])
    page, tokens = _refused_with_photo(client)
    assert "File kept: watch-photo.png" in page and len(tokens) == 1
    r = client.post("/queqiao/tips/new", data={**form(), "kept": tokens},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    tip = db.session.scalar(select(Tip))
    assert [(a.filename, a.mime) for a in tip.attachments] == [("watch-photo.png", "image/png")]


def test_a_kept_file_stays_kept_through_a_second_refusal(people, as_user):
    client = as_user(people["member"])
    _, tokens = _refused_with_photo(client)
    r = client.post("/queqiao/tips/new", data={**form(keywords=" , "), "kept": tokens},
                    content_type="multipart/form-data")
    assert r.status_code == 422 and "File kept: watch-photo.png" in r.get_data(as_text=True)


def test_unticked_kept_file_is_left_out(people, as_user):
    client = as_user(people["member"])
    _refused_with_photo(client)
    assert client.post("/queqiao/tips/new", data=form(),
                       content_type="multipart/form-data").status_code == 302
    assert db.session.scalar(select(Tip)).attachments == []


def test_another_person_cannot_claim_a_kept_file(people, make, as_user):
    _, tokens = _refused_with_photo(as_user(people["member"]))
    rival = make.make_user("member", groups=("luxury-goods",))
    r = as_user(rival).post("/queqiao/tips/new", data={**form(), "kept": tokens},
                            content_type="multipart/form-data")
    assert r.status_code == 422 and "no longer available" in r.get_data(as_text=True)
    assert db.session.scalar(select(Tip)) is None


def test_kept_file_notice_reads_in_chinese(people, as_user):
    member = people["member"]
    member.locale = "zh"
    page, _ = _refused_with_photo(as_user(member))
    assert "已保留文件：watch-photo.png" in page
