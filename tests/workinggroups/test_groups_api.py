"""The groups' API: membership requests and decisions, documents, notification levels.

Each endpoint answers each role as its page does: the page's services, the page's rules."""

import hashlib
import io

import pytest

from portal.accounts.models import GroupMembership
from portal.extensions import db
from tests.support import factories
from workinggroups.documents import services as documents
from workinggroups.membership import services as membership
from workinggroups.preferences import level_of

SLUG = "luxury-goods"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ROLES = ("member", "outsider", "chair", "staff", "admin", None)


def caller(api, people, role):
    return api(people[role] if role else None)


def multipart(client_api, path: str, data: dict):
    return client_api.client.post(path, data=data, content_type="multipart/form-data",
                                  headers={"Authorization": f"Bearer {client_api.token}"})


def pending_request(org_groups=("pharmaceutical",)):
    """A member company outside the group that asked to join it."""
    applicant = factories.make_user("member", groups=org_groups)
    return membership.request_to_join(applicant, factories.group(SLUG)), applicant


# --- membership -----------------------------------------------------------------------


@pytest.mark.parametrize("role, status", [("outsider", 201), ("member", 409), ("chair", 409),
                                          ("staff", 403), ("admin", 403), (None, 401)])
def test_who_may_ask_to_join(people, api, role, status):
    r = caller(api, people, role).post(f"/api/v1/working-groups/{SLUG}/membership-requests")
    assert r.status_code == status, r.get_json()
    if status == 201:
        body = r.get_json()
        assert body["status"] == "pending" and body["organization"]["id"] == \
            people["outsider"].organisation_id and body["url"].endswith(f"/groups/{SLUG}/roster")


def test_asking_to_join_an_unknown_group_is_404(people, api):
    r = api(people["outsider"]).post("/api/v1/working-groups/no-such/membership-requests")
    assert r.status_code == 404


@pytest.mark.parametrize("role, status", [("chair", 200), ("admin", 200), ("member", 403),
                                          ("outsider", 403), ("staff", 403), (None, 401)])
def test_who_sees_the_roster(people, api, role, status):
    pending_request()
    r = caller(api, people, role).get(f"/api/v1/working-groups/{SLUG}/memberships")
    assert r.status_code == status
    if status == 200:
        states = [m["status"] for m in r.get_json()["items"]]
        assert states[0] == "pending" and "active" in states


@pytest.mark.parametrize("role, status", [("chair", 200), ("admin", 200), ("member", 403),
                                          ("outsider", 403), ("staff", 403), (None, 401)])
@pytest.mark.parametrize("action, outcome", [("approve", "active"), ("decline", "declined")])
def test_who_may_decide_a_request(people, api, role, status, action, outcome):
    request, _applicant = pending_request()
    r = caller(api, people, role).post(
        f"/api/v1/working-groups/{SLUG}/memberships/{request.id}/{action}")
    assert r.status_code == status
    db.session.expire_all()
    assert db.session.get(GroupMembership, request.id).status == (
        outcome if status == 200 else "pending")


def test_deciding_twice_is_409_and_another_groups_request_is_404(people, api):
    request, _applicant = pending_request()
    chair = api(people["chair"])
    path = f"/api/v1/working-groups/{SLUG}/memberships/{request.id}"
    assert chair.post(path + "/approve").status_code == 200
    assert chair.post(path + "/decline").status_code == 409
    elsewhere = membership.request_to_join(factories.make_user("member", groups=()),
                                           factories.group("pharmaceutical"))
    r = chair.post(f"/api/v1/working-groups/{SLUG}/memberships/{elsewhere.id}/approve")
    assert r.status_code == 404


def test_approved_company_then_sees_the_groups_documents(people, api):
    request, applicant = pending_request()
    assert api(applicant).get(f"/api/v1/working-groups/{SLUG}/documents").status_code == 404
    api(people["chair"]).post(f"/api/v1/working-groups/{SLUG}/memberships/{request.id}/approve")
    assert api(applicant).get(f"/api/v1/working-groups/{SLUG}/documents").status_code == 200


# --- documents -------------------------------------------------------------------------


def a_document(people):
    from werkzeug.datastructures import FileStorage

    return documents.upload(people["member"], factories.group(SLUG), "Minutes",
                            FileStorage(io.BytesIO(PDF), "minutes.pdf"))


READERS = [("member", 200), ("chair", 200), ("staff", 200), ("admin", 200), ("outsider", 404),
           (None, 401)]


@pytest.mark.parametrize("role, status", READERS)
def test_who_lists_a_groups_documents(people, api, role, status):
    doc = a_document(people)
    r = caller(api, people, role).get(f"/api/v1/working-groups/{SLUG}/documents")
    assert r.status_code == status
    shown = caller(api, people, role).get(f"/api/v1/working-groups/{SLUG}/documents/{doc.id}")
    assert shown.status_code == status
    if status == 200:
        item = r.get_json()["items"][0]
        assert item["id"] == doc.id and item["latest"]["sha256"] == hashlib.sha256(PDF).hexdigest()
        assert shown.get_json()["versions"][0]["download_url"].endswith(
            f"/documents/{doc.id}/versions/1")


@pytest.mark.parametrize("role, status", READERS)
def test_who_downloads_a_version(people, api, role, status):
    doc = a_document(people)
    r = caller(api, people, role).get(
        f"/api/v1/working-groups/{SLUG}/documents/{doc.id}/versions/1")
    assert r.status_code == status
    if status == 200:
        assert r.data == PDF and r.mimetype == "application/pdf"
    r.close()


@pytest.mark.parametrize("role, status", [("member", 201), ("chair", 201), ("staff", 201),
                                          ("admin", 201), ("outsider", 404), (None, 401)])
def test_who_uploads_a_document_and_a_version(people, api, role, status):
    c = caller(api, people, role)
    r = multipart(c, f"/api/v1/working-groups/{SLUG}/documents",
                  {"title": "Trends", "file": (io.BytesIO(PDF), "trends.pdf")})
    assert r.status_code == status
    doc = a_document(people)
    r = multipart(c, f"/api/v1/working-groups/{SLUG}/documents/{doc.id}/versions",
                  {"note": "typos", "file": (io.BytesIO(PDF + b"%v2"), "minutes.pdf")})
    assert r.status_code == status
    if status == 201:
        assert r.get_json()["number"] == 2
        shown = c.get(f"/api/v1/working-groups/{SLUG}/documents/{doc.id}").get_json()
        assert [v["number"] for v in shown["versions"]] == [1, 2]


def test_bad_upload_is_422_with_the_field(people, api):
    c = api(people["member"])
    r = multipart(c, f"/api/v1/working-groups/{SLUG}/documents",
                  {"title": "x", "file": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 60), "a.pdf")})
    assert r.status_code == 422 and "file" in r.get_json()["error"]["fields"]
    assert multipart(c, f"/api/v1/working-groups/{SLUG}/documents", {"title": "x"}).status_code == 422


def test_a_document_of_another_group_is_404_through_this_group(people, api):
    doc = a_document(people)
    r = api(people["chair"]).get(f"/api/v1/working-groups/pharmaceutical/documents/{doc.id}")
    assert r.status_code == 404
    r = api(people["member"]).get(f"/api/v1/working-groups/{SLUG}/documents/{doc.id}/versions/9")
    assert r.status_code == 404


# --- notification levels ------------------------------------------------------------------


@pytest.mark.parametrize("role, status", READERS)
def test_who_gets_and_sets_a_notification_level(people, api, role, status):
    c = caller(api, people, role)
    path = f"/api/v1/working-groups/{SLUG}/notifications"
    got = c.get(path)
    assert got.status_code == status
    put = c._call("put", path, json={"level": "mentions", "digest": True})
    assert put.status_code == status
    if status == 200:
        assert got.get_json() == {"working_group": SLUG, "level": "all", "digest": False}
        assert put.get_json() == {"working_group": SLUG, "level": "mentions", "digest": True}
        assert level_of(people[role], factories.group(SLUG)) == "mentions"


@pytest.mark.parametrize("body, field", [({"level": "loud"}, "level"), ({}, "level"),
                                         ({"level": "mute", "digest": "yes"}, "digest")])
def test_bad_level_is_422(people, api, body, field):
    r = api(people["member"])._call("put", f"/api/v1/working-groups/{SLUG}/notifications",
                                    json=body)
    assert r.status_code == 422 and field in r.get_json()["error"]["fields"]


def test_a_decision_on_a_request_someone_else_just_decided_is_409(people):
    from sqlalchemy import update

    from portal.errors import Conflict

    request, _applicant = pending_request()
    # Another chair declines between this one's read and write (the object still says
    # pending): the approval's conditional write finds no pending row and refuses.
    db.session.execute(update(GroupMembership).where(GroupMembership.id == request.id)
                       .values(status="declined").execution_options(synchronize_session=False))
    with pytest.raises(Conflict) as refused:
        membership.decide(people["chair"], request, "approve")
    assert refused.value.code == "stale_status"
