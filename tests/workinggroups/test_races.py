"""Racing writes in a group: two new versions of one document at once, two edits of a post."""

import io

from portal.extensions import db
from tests.support.race import codes, meet_before, race
from workinggroups.discussions import services as discussions
from workinggroups.documents import services as documents
from workinggroups.documents.models import Document, DocumentVersion

SLUG = "luxury-goods"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(client, data: bytes, path: str):
    return client.post(path, data={"title": "Minutes", "note": "",
                                   "file": (io.BytesIO(data), "minutes.pdf")},
                       content_type="multipart/form-data")


def test_two_new_versions_at_once_are_numbered_one_after_the_other(as_user, people, monkeypatch):
    member, chair = as_user(people["member"]), as_user(people["chair"])
    assert _upload(member, PDF, f"/groups/{SLUG}/documents").status_code == 302
    doc_id = db.session.query(Document.id).scalar()
    path = f"/groups/{SLUG}/documents/{doc_id}"
    meet_before(monkeypatch, documents, "add_version")
    answers = race(lambda: _upload(member, PDF + b"% one\n", path),
                   lambda: _upload(chair, PDF + b"% two\n", path))
    assert codes(answers) == [302, 302], [r.status_code for r in answers]
    numbers = sorted(n for (n,) in db.session.query(DocumentVersion.number).filter_by(
        document_id=doc_id))
    assert numbers == [1, 2, 3]


def test_two_edits_of_one_post_through_the_api_save_one(api, people, monkeypatch):
    from tests.workinggroups.helpers import make_thread

    post_id = make_thread(people["member"], body="original").posts[0].id
    meet_before(monkeypatch, discussions, "edit_post")
    one, other = api(people["member"]), api(people["member"])
    answers = race(
        lambda: one.patch(f"/api/v1/posts/{post_id}", json={"body": "from one", "version": 1}),
        lambda: other.patch(f"/api/v1/posts/{post_id}", json={"body": "from other",
                                                              "version": 1}))
    assert codes(answers) == [200, 409], [r.get_json() for r in answers]
    assert next(r for r in answers if r.status_code == 409).get_json()["error"]["code"] == \
        "stale_version"
