"""The author sees the staff's request for more information at the top of the tip, and the
secretariat's empty tip list says why it is empty."""

from tests.queqiao.tipkit import make_tip
from tests.support import factories


def test_author_sees_the_request_for_more_information_prominently(people, as_user):
    author = people["member"]
    tip = make_tip(author)
    from queqiao.tips import services

    services.review_tip(people["staff"], tip, "needs_info", "Send a photo of the serial label.")
    page = as_user(author).get(f"/queqiao/tips/{tip.id}").get_data(as_text=True)
    banner = page.index('id="info-request"')
    assert banner < page.index('id="tip-indicators"') < page.index('id="tip-history"')
    assert "Send a photo of the serial label." in page[banner:banner + 1500]
    assert f"/queqiao/tips/{tip.id}/edit" in page[banner:banner + 1500]


def test_no_request_banner_once_resubmitted_or_before_any_request(people, as_user):
    tip = make_tip(people["member"])
    page = as_user(people["member"]).get(f"/queqiao/tips/{tip.id}").get_data(as_text=True)
    assert 'id="info-request"' not in page


def test_request_banner_reads_in_chinese(people, as_user):
    author = factories.make_user("member", people["member"].organisation, locale="zh")
    tip = make_tip(author, status="needs_info")
    page = as_user(author).get(f"/queqiao/tips/{tip.id}").get_data(as_text=True)
    assert "平台工作人员在作出决定前需要更多信息" in page


def test_secretariat_is_told_why_it_sees_no_tips(people, as_user):
    make_tip(people["member"], status="accepted", sharing="alliance")
    page = as_user(people["admin"]).get("/queqiao/tips").get_data(as_text=True)
    assert 'id="tips-hidden"' in page and "the secretariat sees none here" in page
    assert "No tips yet." not in page
    member = as_user(factories.make_user("member")).get("/queqiao/tips").get_data(as_text=True)
    assert 'id="tips-hidden"' not in member
