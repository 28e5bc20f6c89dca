"""One proposal's whole life in a real browser, five users in turn."""

from __future__ import annotations

import pytest

from proposals.models import Assignment, Proposal
from tests.browser.conftest import pick
from tests.factories import World

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def open_action(page, name: str) -> None:
    page.click(f"details.action-{name} > summary")


def run(page, name: str) -> None:
    page.click(f"details.action-{name} button[name=go]")
    page.wait_for_load_state()


def state_of(page) -> str:
    return page.inner_text("#proposal-state")


def test_whole_life_in_the_browser(sessions):
    w = World.build()
    member = sessions(w.member.user)
    page = member.go("/proposals/new/")
    page.fill("#id_title", "关于加快老旧小区加装电梯的提案")
    page.select_option("#id_category", "social")
    page.fill("#id_background", "老旧小区老年人出行难。")
    page.fill("#id_suggestions", "一、简化审批；二、加大补贴。")
    pick(page, "id_cosigners", w.cosigner.name)
    page.click("button[name=save]")
    page.click("button[name=submit]")
    assert state_of(page) == "已提交"
    proposal = Proposal.objects.get(title="关于加快老旧小区加装电梯的提案")
    detail = proposal.get_absolute_url()
    member.screenshot("member-proposal")

    cosigner = sessions(w.cosigner.user)
    page = cosigner.go("/")
    assert proposal.title in page.inner_text("main")  # waiting for my confirmation
    page = cosigner.go(detail)
    open_action(page, "cosign")
    run(page, "cosign")

    staff = sessions(w.staff)
    page = staff.go("/proposals/?state=submitted")
    staff.screenshot("staff-review-queue")
    page = staff.go(detail)
    for stage in ("initial", "second", "joint"):
        open_action(page, "review")
        page.select_option("#id_review-stage", stage)
        page.select_option("#id_review-decision", "pass")
        page.fill("#id_review-opinion", "同意")
        run(page, "review")
    open_action(page, "file")
    run(page, "file")
    proposal.refresh_from_db()
    assert state_of(page) == "已立案" and proposal.number in page.inner_text("main")
    open_action(page, "assign")
    pick(page, "id_assign-lead_unit", w.units[0].name)
    pick(page, "id_assign-co_units", w.units[1].name)
    run(page, "assign")
    assert "确认交办" in page.inner_text("h1")  # due dates shown before confirming
    page.click("button[name=confirm]")
    assert state_of(page) == "办理中"
    lead = Assignment.objects.get(proposal=proposal, role="lead")
    co = Assignment.objects.get(proposal=proposal, role="co")

    co_unit = sessions(w.co_handler)
    page = co_unit.go(detail)
    open_action(page, "give_opinion")
    page.fill(f"#id_a{co.pk}-give_opinion-content", "建议结合城市更新统筹推进。")
    run(page, "give_opinion")

    unit = sessions(w.lead_handler)
    page = unit.go("/proposals/assignments/")
    unit.screenshot("unit-inbox")
    page = unit.go(detail)
    open_action(page, "accept")
    run(page, "accept")
    open_action(page, "reply")
    page.select_option(f"#id_a{lead.pk}-reply-classification", "B")
    page.fill(f"#id_a{lead.pk}-reply-content", "已列入明年计划。")
    run(page, "reply")
    assert state_of(page) == "已答复"

    page = member.go(detail)
    open_action(page, "feedback")
    page.check("input[name=feedback-communication][value=satisfied]")
    page.check("input[name=feedback-result][value=dissatisfied]")
    page.fill("#id_feedback-comment", "希望今年就启动。")
    run(page, "feedback")
    assert state_of(page) == "重新办理"

    page = unit.go(detail)
    open_action(page, "reply")
    page.select_option(f"#id_a{lead.pk}-reply-classification", "A")
    page.fill(f"#id_a{lead.pk}-reply-content", "已于本年启动。")
    run(page, "reply")

    page = member.go(detail)
    open_action(page, "feedback")
    page.check("input[name=feedback-communication][value=satisfied]")
    page.check("input[name=feedback-result][value=satisfied]")
    run(page, "feedback")
    assert state_of(page) == "已办结"
    timeline = page.inner_text("#timeline")
    for step in (
        "提交提案",
        "确认联名",
        "初审通过",
        "复审通过",
        "联审通过",
        "立案",
        "交办",
        "会办意见",
        "签收",
        "答复（B类）",
        "转入重新办理",
        "答复（A类）",
        "办结",
    ):
        assert step in timeline, step
    member.screenshot("member-closed")
    for session, label in (
        (staff, "staff-home"),
        (unit, "unit-home"),
        (co_unit, "co-unit-home"),
        (cosigner, "cosigner-home"),
    ):
        session.go("/")
        session.screenshot(label)
