"""The tracker's pages: who sees and does what, form errors, refusals, filters, CSV."""

import csv
import io

import pytest

from advisory import services
from tests.advisory import helpers
from tests.support.factories import reload
from tests.support.home import needs_section


def test_tracker_is_in_the_navigation_and_shows_an_empty_state(as_user, board):
    page = as_user(board["member"]).get("/recommendations")
    assert page.status_code == 200
    assert b'href="/recommendations"' in page.data
    assert b"empty-state" in page.data and b"No recommendations yet" in page.data
    assert b"new-recommendation" not in page.data
    assert b"new-recommendation" in as_user(board["chair"]).get("/recommendations").data


def test_tracker_reads_in_chinese(as_user, board):
    member = board["member"]
    member.locale = "zh"
    helpers.submitted(board["chair"])
    page = as_user(member).get("/recommendations").get_data(as_text=True)
    assert "顾问委员会审议中" in page and "平台政策" in page


def test_filters_narrow_the_list_and_say_when_nothing_matches(as_user, board):
    helpers.submitted(board["chair"], title="Luxury one")
    helpers.submitted(board["chair2"], working_group="pharmaceutical", title="Pharma one",
                      category="enforcement")
    client = as_user(board["member"])
    page = client.get("/recommendations?working_group=pharmaceutical").get_data(as_text=True)
    assert "Pharma one" in page and "Luxury one" not in page
    page = client.get("/recommendations?category=litigation").get_data(as_text=True)
    assert "No recommendation matches these filters." in page
    bad = client.get("/recommendations?status=bogus")
    assert bad.status_code == 200 and b"is-invalid" in bad.data


def test_drafts_are_listed_only_for_the_groups_chairs(as_user, board):
    helpers.draft(board["chair"], title="Secret draft")
    assert b"Secret draft" in as_user(board["vice"]).get("/recommendations").data
    for who in ("member", "chair2", "admin", "staff"):
        assert b"Secret draft" not in as_user(board[who]).get("/recommendations").data


@pytest.mark.parametrize("who, status", [("chair", 200), ("vice", 200), ("member", 404),
                                         ("staff", 404), ("admin", 404)])
def test_who_may_open_the_new_recommendation_form(as_user, board, who, status):
    assert as_user(board[who]).get("/recommendations/new").status_code == status


def test_drafting_through_the_form(as_user, board):
    client = as_user(board["chair"])
    r = client.post("/recommendations/new", data={**helpers.DRAFT, "hide_tally": "y"})
    assert r.status_code == 302
    rec = services.get(int(r.headers["Location"].rsplit("/", 1)[1]))
    assert rec.status == "draft" and rec.hide_tally and rec.author_id == board["chair"].id


@pytest.mark.parametrize("field, value", [("title", ""), ("summary", ""),
                                          ("category", "astrology")])
def test_bad_draft_form_is_shown_again_with_errors(as_user, board, field, value):
    r = as_user(board["chair"]).post("/recommendations/new", data={**helpers.DRAFT, field: value})
    assert r.status_code == 422
    assert b"is-invalid" in r.data or b"alert-danger" in r.data


def test_cannot_draft_for_a_group_one_does_not_chair(as_user, board):
    r = as_user(board["chair"]).post("/recommendations/new",
                                     data={**helpers.DRAFT, "working_group": "pharmaceutical"})
    assert r.status_code == 422


def test_detail_visibility(as_user, board):
    rec = helpers.draft(board["chair"])
    assert as_user(board["member"]).get(f"/recommendations/{rec.id}").status_code == 404
    assert as_user(board["vice"]).get(f"/recommendations/{rec.id}").status_code == 200
    services.submit(board["chair"], rec)
    page = as_user(board["outsider"]).get(f"/recommendations/{rec.id}")
    assert page.status_code == 200 and b'id="timeline"' in page.data
    assert as_user(board["member"]).get("/recommendations/999999").status_code == 404


def test_edit_form_keeps_version_and_refuses_stale_edits(as_user, board):
    rec = helpers.draft(board["chair"])
    client = as_user(board["chair"])
    assert client.get(f"/recommendations/{rec.id}/edit").status_code == 200
    assert as_user(board["chair2"]).get(f"/recommendations/{rec.id}/edit").status_code == 404
    data = {**helpers.DRAFT, "title": "New title", "version": str(rec.version)}
    assert client.post(f"/recommendations/{rec.id}/edit", data=data).status_code == 302
    assert reload(rec).title == "New title"
    stale = client.post(f"/recommendations/{rec.id}/edit", data=data)
    assert stale.status_code == 409 and b"changed this recommendation" in stale.data


def test_page_walk_with_votes_decision_response_and_milestones(as_user, board):
    rec = helpers.draft(board["chair"])
    base = f"/recommendations/{rec.id}"
    assert as_user(board["chair"]).post(f"{base}/submit").status_code == 302
    page = as_user(board["chair2"]).get(base).get_data(as_text=True)
    assert "vote-form" in page and "0 of 3 chairs have voted" in page
    assert "decision-form" not in page
    assert as_user(board["chair2"]).post(f"{base}/vote", data={"vote-position": "support"}
                                         ).status_code == 302
    assert as_user(board["chair3"]).post(f"{base}/vote", data={"vote-position": "object"}
                                         ).status_code == 302
    admin = as_user(board["admin"])
    assert "2 of 3 chairs have voted" in admin.get(base).get_data(as_text=True)
    assert admin.post(f"{base}/decision", data={"decision-outcome": "endorsed"}
                      ).status_code == 302
    staff = as_user(board["staff"])
    empty = staff.post(f"{base}/response", data={"response-outcome": "accepted",
                                                 "response-rationale": ""})
    assert empty.status_code == 422 and b"This field is required." in empty.data
    assert staff.post(f"{base}/response", data={"response-outcome": "accepted",
                                                "response-rationale": "We agree."}
                      ).status_code == 302
    assert staff.post(f"{base}/milestones", data={"milestone-title": "Pilot",
                                                  "milestone-target_date": "2027-02-01",
                                                  "milestone-progress": "40"}).status_code == 302
    m = reload(rec).milestones[0]
    assert staff.post(f"{base}/milestones/{m.id}", data={"progress-progress": "100"}
                      ).status_code == 302
    assert staff.post(f"{base}/complete").status_code == 302
    assert reload(rec).status == "implemented"
    timeline = as_user(board["member"]).get(base).get_data(as_text=True)
    for label in ("submitted", "endorsed by the board", "answered by the platform",
                  "milestone added", "implemented"):
        assert label in timeline


def test_page_refusals(as_user, board):
    rec = helpers.submitted(board["chair"])
    base = f"/recommendations/{rec.id}"
    assert as_user(board["member"]).post(f"{base}/vote", data={"vote-position": "support"}
                                         ).status_code == 403
    bad = as_user(board["chair2"]).post(f"{base}/vote", data={"vote-position": "maybe"})
    assert bad.status_code == 422
    again = as_user(board["chair"]).post(f"{base}/submit")
    assert again.status_code == 409 and b"under board review" in again.data
    assert as_user(board["staff"]).post(f"{base}/decision",
                                        data={"decision-outcome": "endorsed"}).status_code == 403
    no_quorum = as_user(board["admin"]).post(f"{base}/decision",
                                             data={"decision-outcome": "endorsed"})
    assert no_quorum.status_code == 409 and b"quorum" in no_quorum.data


def test_comments_and_cosign_by_other_chairs(as_user, board):
    rec = helpers.submitted(board["chair"])
    base = f"/recommendations/{rec.id}"
    client = as_user(board["chair2"])
    assert client.post(f"{base}/comments", data={"comment-body": "Agree in principle"}
                       ).status_code == 302
    assert client.post(f"{base}/comments", data={"comment-body": ""}).status_code == 422
    assert client.post(f"{base}/cosign").status_code == 302
    assert client.post(f"{base}/cosign").status_code == 409
    assert as_user(board["chair"]).post(f"{base}/cosign").status_code == 403
    page = as_user(board["member"]).get(base).get_data(as_text=True)
    assert "Agree in principle" in page and "Pharmaceutical" in page


def test_follow_from_the_page(as_user, board):
    rec = helpers.submitted(board["chair"])
    client = as_user(board["outsider"])
    assert client.post(f"/recommendations/{rec.id}/follow", data={"on": "1"}).status_code == 302
    assert services.is_following(board["outsider"], rec)
    client.post(f"/recommendations/{rec.id}/follow", data={"on": "0"})
    assert not services.is_following(board["outsider"], rec)


def test_csv_export_has_only_visible_rows_and_defuses_formulas(as_user, board):
    helpers.draft(board["chair"], title="Hidden draft")
    helpers.endorsed(board["chair"], board["admin"], [board["chair2"], board["chair3"]],
                     title="=HYPERLINK(1)")
    r = as_user(board["member"]).get("/recommendations/export.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [row["title"] for row in rows] == ["'=HYPERLINK(1)"]
    assert rows[0]["status"] == "endorsed" and rows[0]["decision"] == "endorsed"
    assert rows[0]["working_group"] == "luxury-goods" and rows[0]["decided_at"]
    filtered = as_user(board["member"]).get("/recommendations/export.csv?status=draft")
    assert len(list(csv.DictReader(io.StringIO(filtered.get_data(as_text=True))))) == 0
    assert as_user(board["member"]).get("/recommendations/export.csv?year=x").status_code == 422


def test_figures_page_shows_figures_and_chart_data(as_user, board):
    empty = as_user(board["member"]).get("/recommendations/figures")
    assert empty.status_code == 200 and b"nothing to chart" in empty.data
    helpers.endorsed(board["chair"], board["admin"], [board["chair2"], board["chair3"]])
    page = as_user(board["member"]).get("/recommendations/figures").get_data(as_text=True)
    assert 'id="figures-chart"' in page and "data-chart=" in page
    assert "advisory-figures.js" in page and "<script>" not in page


def test_home_lists_what_awaits_a_chairs_vote_until_the_vote(as_user, board):
    rec = helpers.submitted(board["chair"], title="Vote on me")
    assert "Vote on me" in needs_section(as_user(board["chair2"]).get("/home"))
    services.vote(board["chair2"], rec, "support")
    page = as_user(board["chair2"]).get("/home").get_data(as_text=True)
    assert "Vote on me" not in needs_section(page) and "Vote on me" in page  # the latest list
    member = as_user(board["member"]).get("/home")
    assert "Vote on me" in member.get_data(as_text=True)
    assert "Vote on me" not in needs_section(member)


PAGE_ACTIONS = ("submit", "withdraw", "cosign", "complete", "close", "vote", "decision",
                "response", "comments", "milestones", "links", "follow")


@pytest.mark.parametrize("action", PAGE_ACTIONS)
def test_every_page_action_on_an_unseen_draft_is_404(as_user, board, action):
    rec = helpers.draft(board["chair"])
    assert as_user(board["member"]).post(f"/recommendations/{rec.id}/{action}").status_code == 404


@pytest.mark.parametrize("action", [a for a in PAGE_ACTIONS if a != "follow"])
def test_a_member_without_a_role_gets_403_on_every_step(as_user, board, action):
    rec = helpers.submitted(board["chair"])
    data = {"vote-position": "support", "decision-outcome": "returned",
            "response-outcome": "accepted", "response-rationale": "x", "comment-body": "x",
            "milestone-title": "x", "link-kind": "x", "link-ref": "1"}
    r = as_user(board["member"]).post(f"/recommendations/{rec.id}/{action}", data=data)
    assert r.status_code == 403, r.status_code


def test_each_state_has_its_own_badge_colour(app):
    """Where a recommendation stands reads at a glance: refused in red, done in green,
    turned back in amber, and every state of the machine has a colour of its own group."""
    from flask import render_template_string

    from advisory.lifecycle import MACHINE

    template = ('{% from "advisory/_status.html" import rec_status_badge %}'
                '{{ rec_status_badge(status, labels) }}')
    labels = {"status": {s: s for s in MACHINE.states}}
    with app.test_request_context():
        shown = {s: render_template_string(template, status=s, labels=labels)
                 for s in MACHINE.states}
    colour = {s: html.split("text-bg-", 1)[1].split(" ", 1)[0] for s, html in shown.items()}
    assert (colour["declined"], colour["implemented"], colour["returned"]) == (
        "danger", "success", "warning")
    assert all(f'data-status="{s}"' in html for s, html in shown.items())
    assert len(set(colour.values())) >= 6


def test_the_tracker_is_read_a_page_at_a_time_keeping_its_filters(as_user, board, monkeypatch):
    monkeypatch.setattr("portal.paging.PER_PAGE", 2)
    for n in range(3):
        helpers.submitted(board["chair2"], working_group="pharmaceutical", title=f"Pharma {n}")
    helpers.submitted(board["chair"], title="Luxury one")
    client = as_user(board["member"])
    first = client.get("/recommendations?working_group=pharmaceutical").get_data(as_text=True)
    assert "Pharma 2" in first and "Pharma 1" in first and "Pharma 0" not in first
    assert 'href="/recommendations?working_group=pharmaceutical&amp;page=2"' in first
    assert "rel=\"prev\"" not in first
    # the figures and the CSV take the filters, never the page
    assert 'href="/recommendations/export.csv?working_group=pharmaceutical"' in first
    second = client.get("/recommendations?working_group=pharmaceutical&page=2").get_data(
        as_text=True)
    assert "Pharma 0" in second and "Pharma 1" not in second and "Luxury one" not in second
    assert 'href="/recommendations?working_group=pharmaceutical"' in second  # back to page 1
    assert 'rel="next"' not in second
    past = client.get("/recommendations?working_group=pharmaceutical&page=3")
    assert b"This page is past the end of the list." in past.data
    assert client.get("/recommendations?page=0").status_code == 422
