"""The groups' API answers are the ones the OpenAPI document describes, down to the shapes
the demo alliance seldom has: RSVPs, recorded attendance and minutes, cancelled meetings,
edited posts, live-room history, documents with several versions."""

import io

from tests.support.documented import assert_documented, served_document
from workinggroups.meetings import services as meetings
from workinggroups.room import services as room

from .helpers import make_meeting, make_thread

SLUG = "luxury-goods"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_meeting_answers_follow_the_meeting_schema(api, people, client):
    chair, member = api(people["chair"]), api(people["member"])
    r = chair.post(f"/api/v1/working-groups/{SLUG}/meetings", json={
        "title": "Spring session", "starts_at": "2030-03-02T09:30:00+08:00",
        "ends_at": "2030-03-02T11:00:00+08:00", "link": "https://meet.example/spring",
        "agenda": ["Welcome"], "timezone": "Asia/Shanghai"})
    assert r.status_code == 201
    assert_documented(served_document(client), "post", "/working-groups/{slug}/meetings", r)
    upcoming = r.get_json()["id"]
    r = member.post(f"/api/v1/meetings/{upcoming}/rsvp", json={"answer": "maybe"})
    assert r.status_code == 200 and r.get_json()["my_rsvp"] == "maybe"
    assert_documented(served_document(client), "post", "/meetings/{meeting_id}/rsvp", r)

    past = make_meeting(people["chair"], days=-1)
    r = chair.post(f"/api/v1/meetings/{past.id}/attendance",
                   json={"user_ids": [people["member"].id, people["chair"].id]})
    assert r.status_code == 200 and len(r.get_json()["attendees"]) == 2
    assert_documented(served_document(client), "post", "/meetings/{meeting_id}/attendance", r)
    r = chair.post(f"/api/v1/meetings/{past.id}/minutes", json={"minutes": "**Agreed**"})
    assert r.status_code == 200 and r.get_json()["minutes_html"]
    assert_documented(served_document(client), "post", "/meetings/{meeting_id}/minutes", r)
    r = member.get(f"/api/v1/meetings/{past.id}")
    assert r.get_json()["status"] == "held" and r.get_json()["my_rsvp"] is None
    assert_documented(served_document(client), "get", "/meetings/{meeting_id}", r)

    overdue = make_meeting(people["chair"], days=-3, hours=1)
    meetings.cancel(people["chair"], make_meeting(people["chair"], days=3))
    r = member.get(f"/api/v1/working-groups/{SLUG}/meetings")
    statuses = {m["id"]: (m["status"], m["minutes_overdue"]) for m in r.get_json()["items"]}
    assert statuses[overdue.id] == ("held", True)
    assert "cancelled" in {s for s, _o in statuses.values()}
    assert_documented(served_document(client), "get", "/working-groups/{slug}/meetings", r)


def test_thread_and_post_answers_follow_their_schemas(api, people, client):
    member, chair = api(people["member"]), api(people["chair"])
    r = member.post(f"/api/v1/working-groups/{SLUG}/threads",
                    json={"title": "Livestream sellers", "body": "What are you *seeing*?"})
    assert r.status_code == 201
    assert_documented(served_document(client), "post", "/working-groups/{slug}/threads", r)
    thread = r.get_json()
    r = chair.post(f"/api/v1/threads/{thread['id']}/posts", json={"body": "Plenty."})
    assert r.status_code == 201
    assert_documented(served_document(client), "post", "/threads/{thread_id}/posts", r)
    post = r.get_json()
    r = chair.patch(f"/api/v1/posts/{post['id']}",
                    json={"body": "Plenty, mostly at night.", "version": post["version"]})
    assert r.status_code == 200 and r.get_json()["edited_at"] is not None
    assert_documented(served_document(client), "patch", "/posts/{post_id}", r)
    r = member.get(f"/api/v1/threads/{thread['id']}")
    assert r.get_json()["replies"] == 1 and len(r.get_json()["posts"]) == 2
    assert_documented(served_document(client), "get", "/threads/{thread_id}", r)
    make_thread(people["chair"])
    r = member.get(f"/api/v1/working-groups/{SLUG}/threads")
    assert r.get_json()["total"] == 2 and "posts" not in r.get_json()["items"][0]
    assert_documented(served_document(client), "get", "/working-groups/{slug}/threads", r)


def test_room_history_follows_the_message_schema(api, people, client):
    from tests.support.factories import group

    room.say(people["member"], group(SLUG), "Anyone at the Canton fair?")
    room.say(people["chair"], group(SLUG), "Yes, hall 4.")
    r = api(people["member"]).get(f"/api/v1/working-groups/{SLUG}/messages")
    assert r.get_json()["total"] == 2
    assert_documented(served_document(client), "get", "/working-groups/{slug}/messages", r)


def test_document_answers_follow_the_document_schemas(api, people, client):
    caller = api(people["member"])

    def upload(path, **form):
        return caller.client.post(
            path, data={**form, "file": (io.BytesIO(PDF), "minutes.pdf")},
            headers={"Authorization": f"Bearer {caller.token}"},
            content_type="multipart/form-data")

    r = upload(f"/api/v1/working-groups/{SLUG}/documents", title="Minutes", note="")
    assert r.status_code == 201, r.get_json()
    assert_documented(served_document(client), "post", "/working-groups/{slug}/documents", r)
    document = r.get_json()["id"]
    r = upload(f"/api/v1/working-groups/{SLUG}/documents/{document}/versions",
               note="Corrected")
    assert r.status_code == 201, r.get_json()
    assert_documented(served_document(client), "post",
                      "/working-groups/{slug}/documents/{document_id}/versions", r)
    r = caller.get(f"/api/v1/working-groups/{SLUG}/documents/{document}")
    assert [v["number"] for v in r.get_json()["versions"]] == [1, 2]
    assert_documented(served_document(client), "get", "/working-groups/{slug}/documents/{document_id}", r)
    r = caller.get(f"/api/v1/working-groups/{SLUG}/documents")
    assert r.get_json()["items"][0]["latest"]["number"] == 2
    assert_documented(served_document(client), "get", "/working-groups/{slug}/documents", r)
