"""Each chair's vote and the comment given with it, shown to those who may see the split."""

from advisory import services
from tests.advisory import helpers


def _voted(board, **values):
    rec = helpers.submitted(board["chair"], **values)
    services.vote(board["chair"], rec, "support", "Sellers must prove supply.")
    services.vote(board["chair2"], rec, "object", "Too costly for small shops.")
    return rec


def test_open_tally_shows_each_chairs_vote_and_comment(as_user, board):
    rec = _voted(board)
    for who in ("member", "chair3", "admin"):
        page = as_user(board[who]).get(f"/recommendations/{rec.id}").get_data(as_text=True)
        assert 'id="ballots"' in page
        assert "Sellers must prove supply." in page and "Too costly for small shops." in page
        assert board["chair"].name in page and board["chair2"].name in page


def test_hidden_tally_shows_comments_to_the_secretariat_only(as_user, board):
    rec = _voted(board, hide_tally=True)
    admin = as_user(board["admin"]).get(f"/recommendations/{rec.id}").get_data(as_text=True)
    assert "Too costly for small shops." in admin and 'data-position="object"' in admin
    for who in ("member", "chair3", "chair2"):
        page = as_user(board[who]).get(f"/recommendations/{rec.id}").get_data(as_text=True)
        assert "Too costly for small shops." not in page and 'id="ballots"' not in page


def test_hidden_tally_opens_once_the_board_decides(as_user, board):
    rec = _voted(board, hide_tally=True)
    services.decide(board["admin"], rec, "endorsed", "Agreed.")
    page = as_user(board["member"]).get(f"/recommendations/{rec.id}").get_data(as_text=True)
    assert "Too costly for small shops." in page


def test_ballots_read_in_chinese(as_user, board):
    rec = _voted(board)
    member = board["member"]
    member.locale = "zh"
    page = as_user(member).get(f"/recommendations/{rec.id}").get_data(as_text=True)
    assert "各主席的投票" in page
