"""Documents: upload checked by content and size, versions, downloads only for the group's readers."""

import hashlib
import io

import pytest

from workinggroups.documents.models import Document, DocumentVersion

SLUG = "luxury-goods"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _upload(client, data: bytes, name="minutes.pdf", title="Minutes", path=None):
    return client.post(path or f"/groups/{SLUG}/documents",
                       data={"title": title, "note": "", "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_member_uploads_a_pdf_kept_under_its_hash(as_user, people, app):
    r = _upload(as_user(people["member"]), PDF)
    assert r.status_code == 302
    version = DocumentVersion.query.one()
    assert version.sha256 == hashlib.sha256(PDF).hexdigest() and version.mime == "application/pdf"
    assert version.filename == "minutes.pdf" and version.number == 1


def test_type_is_judged_by_content_not_by_name(as_user, people):
    r = _upload(as_user(people["member"]), b"MZ\x90\x00\x03\x00\x00\x00\x04" + b"\x00" * 50,
                name="harmless.pdf")
    assert r.status_code == 422
    assert "This kind of file is not accepted here" in r.get_data(as_text=True)
    assert Document.query.count() == 0


def test_too_large_and_empty_files_are_refused(as_user, people, app):
    app.config["MAX_UPLOAD_BYTES"] = 100
    client = as_user(people["member"])
    assert _upload(client, PDF + b"x" * 200).status_code == 422
    assert _upload(client, b"").status_code == 422
    assert Document.query.count() == 0


def test_new_versions_and_downloads_by_role(as_user, people):
    member = as_user(people["member"])
    _upload(member, PDF)
    doc = Document.query.one()
    r = _upload(as_user(people["chair"]), PNG, name="scan.png",
                path=f"/groups/{SLUG}/documents/{doc.id}")
    assert r.status_code == 302
    assert [v.number for v in Document.query.one().versions] == [1, 2]
    for role, status in (("member", 200), ("chair", 200), ("staff", 200), ("admin", 200),
                         ("outsider", 404)):
        client = as_user(people[role])
        with client.get(f"/groups/{SLUG}/documents/{doc.id}/versions/1") as r:
            assert r.status_code == status, role
            if status == 200:
                assert r.data == PDF and "attachment" in r.headers["Content-Disposition"]
        assert client.get(f"/groups/{SLUG}/documents/{doc.id}").status_code == status
        assert client.get(f"/groups/{SLUG}/documents").status_code == status
    assert member.get(f"/groups/{SLUG}/documents/{doc.id}/versions/9").status_code == 404


def test_outsider_cannot_upload_into_the_group(as_user, people):
    assert _upload(as_user(people["outsider"]), PDF).status_code == 404
    assert Document.query.count() == 0


def test_document_of_another_group_is_404_under_this_slug(as_user, people):
    _upload(as_user(people["outsider"]), PDF, path="/groups/pharmaceutical/documents")
    doc = Document.query.one()
    admin = as_user(people["admin"])
    assert admin.get(f"/groups/{SLUG}/documents/{doc.id}").status_code == 404
    assert admin.get(f"/groups/{SLUG}/documents/{doc.id}/versions/1").status_code == 404


def test_signed_out_download_is_sent_to_sign_in(client, as_user, people):
    _upload(as_user(people["member"]), PDF)
    doc = Document.query.one()
    assert client.get(f"/groups/{SLUG}/documents/{doc.id}/versions/1").status_code == 302


@pytest.mark.parametrize("locale,text", [("en", "No documents yet. Share the first one.")])
def test_documents_empty_state(as_user, people, locale, text):
    assert text in as_user(people["member"]).get(f"/groups/{SLUG}/documents").get_data(
        as_text=True)


def test_a_new_document_tells_the_group_not_outsiders(as_user, people):
    from portal.notifications.models import Notification

    _upload(as_user(people["chair"]), PDF, title="Playbook")
    told = {n.user_id for n in Notification.query.filter_by(type="document.new")}
    assert people["member"].id in told
    assert people["outsider"].id not in told and people["chair"].id not in told


@pytest.mark.parametrize("cut", range(3))
def test_a_utf8_text_longer_than_the_sniffed_head_is_text(as_user, people, cut):
    # Chinese characters take three bytes: wherever 2,048 bytes end, a character may be cut.
    text = ("x" * cut + "会议纪要，供应链打假工作组。" * 200).encode("utf-8")
    assert len(text) > 4096
    r = _upload(as_user(people["member"]), text, name="minutes.txt")
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    assert Document.query.one().latest.mime == "text/plain"


def test_bytes_that_are_not_utf8_are_still_refused_as_text(as_user, people):
    r = _upload(as_user(people["member"]), b"plain start \xff\xfe then junk" * 200,
                name="notes.txt")
    assert r.status_code == 422 and Document.query.count() == 0
