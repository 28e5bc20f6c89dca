"""Every role's main journey in Chromium, at a desktop size and at a phone size.

A member drafts (co-signer chosen in the picker), is returned for revision, reads why on
top, revises and resubmits; staff review with the stage preselected, file, mark the
proposal key and assign with the unit pickers; the lead unit signs and sees 答复
disabled with the reason until the co-unit has given its opinion; the unit replies; the
leader finds the key proposal on the work centre and records supervision; the member
rates (re-handling after a dissatisfied rating is walked in-process by
tests/proposals/test_lifecycle.py). Every page visited is audited (``Session.audit``):
no console error, no horizontal overflow on the phone, no serious or critical axe-core
violation. Each role's work centre is kept as a screenshot at both sizes.
"""

from __future__ import annotations

import pytest

from proposals.models import Assignment, Proposal
from tests.browser.conftest import DESKTOP, PHONE, open_action, pick, state_of
from tests.factories import World

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "关于加快老旧小区加装电梯的提案"


def run(session, name: str) -> None:
    session.page.click(f".action-{name} button[name=go]")
    session.audit()


def message(page) -> str:
    return page.inner_text(".messages")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_roles_journey(sessions, size):
    viewport = {"desktop": DESKTOP, "phone": PHONE}[size]
    w = World.build()

    def open_as(user, role: str):
        """Signed in: the work centre, where each role lands, with its work waiting."""
        session = sessions(user, viewport)
        session.audit()
        session.screenshot(f"work-centre-{role}-{size}")
        return session

    # A member drafts, choosing the co-signer in the picker, and submits.
    member = open_as(w.member.user, "member")
    page = member.go("/proposals/new/")
    member.audit()
    page.fill("#id_title", TITLE)
    page.select_option("#id_category", "social")
    page.fill("#id_suggestions", "一、简化审批；二、加大补贴。")
    pick(page, "id_cosigners", w.cosigner.name)
    assert w.cosigner.name in page.inner_text(".picker-chips")
    page.click("button[name=save]")
    member.audit()
    page.click("button[name=submit]")
    member.audit()
    assert state_of(page) == "已提交"
    detail = Proposal.objects.get(title=TITLE).get_absolute_url()

    cosigner = open_as(w.cosigner.user, "cosigner")
    assert TITLE in cosigner.page.inner_text("main")  # waiting for the confirmation
    page = cosigner.go(detail)
    open_action(page, "cosign")
    run(cosigner, "cosign")

    # Staff return it for revision, saying why.
    staff = open_as(w.staff, "staff")
    page = staff.go(detail)
    staff.audit()
    open_action(page, "review")
    assert page.input_value("#id_review-stage") == "initial"
    page.select_option("#id_review-decision", "return")
    page.fill("#id_review-opinion", "请补充调研数据。")
    run(staff, "review")
    assert state_of(page) == "退回修改"

    # The member reads why on top, revises and resubmits.
    member.go("/")
    member.audit()
    member.screenshot(f"work-centre-member-{size}")  # 待提交: the returned proposal
    page = member.go(detail)
    member.audit()
    assert "请补充调研数据" in page.inner_text("#returned-because")
    member.screenshot(f"member-returned-{size}")  # README: docs/screenshots/member-phone.png
    page.click("#edit-proposal")
    member.audit()
    page.fill("#id_background", "调研了 12 个小区，老年人出行难。")
    page.click("button[name=submit]")
    member.audit()
    assert state_of(page) == "已提交" and "已提交" in message(page)

    # Staff cannot review before the co-signer confirms again, and are told why.
    page = staff.go(detail)
    staff.audit()
    assert "联名人尚未全部确认" in page.inner_text("#unavailable")
    page = cosigner.go(detail)
    open_action(page, "cosign")
    run(cosigner, "cosign")

    # Review stage by stage (each preselected), file, mark key, assign with the pickers.
    page = staff.go(detail)
    for stage in ("initial", "second", "joint"):
        open_action(page, "review")
        assert page.input_value("#id_review-stage") == stage
        page.select_option("#id_review-decision", "pass")
        run(staff, "review")
    open_action(page, "file")
    run(staff, "file")
    number = Proposal.objects.get(title=TITLE).number
    assert state_of(page) == "已立案"
    assert f"案号 {number}" in message(page) and "下一步：交办" in message(page)
    open_action(page, "mark_key")
    page.select_option("#id_mark_key-supervisors", [str(w.supervisor.pk)])
    run(staff, "mark_key")
    open_action(page, "assign")
    pick(page, "id_assign-lead_unit", w.units[0].name)
    pick(page, "id_assign-co_units", w.units[1].name)
    staff.screenshot(f"staff-assign-{size}")  # README: docs/screenshots/staff-desktop.png
    run(staff, "assign")
    assert "确认交办" in page.inner_text("h1")
    page.click("button[name=confirm]")
    staff.audit()
    assert state_of(page) == "办理中"
    lead = Assignment.objects.get(proposal__title=TITLE, role="lead")
    co = Assignment.objects.get(proposal__title=TITLE, role="co")

    # The lead unit signs; 答复 waits for the co-unit's opinion, and says so.
    unit = open_as(w.lead_handler, "unit")
    page = unit.go(detail)
    open_action(page, "accept")
    run(unit, "accept")
    waiting = page.locator("#unavailable li", has_text="答复")
    assert waiting.locator("button").is_disabled()
    assert "会办单位尚未提交会办意见" in waiting.inner_text()

    co_unit = open_as(w.co_handler, "co-unit")
    page = co_unit.go(detail)
    open_action(page, "give_opinion")
    page.fill(f"#id_a{co.pk}-give_opinion-content", "建议结合城市更新统筹推进。")
    run(co_unit, "give_opinion")

    page = unit.go(detail)
    open_action(page, "reply")
    page.select_option(f"#id_a{lead.pk}-reply-classification", "A")
    page.fill(f"#id_a{lead.pk}-reply-content", "已列入本年计划并启动。")
    run(unit, "reply")
    assert state_of(page) == "已答复"

    # The leader finds the key proposal on the work centre and records supervision.
    leader = open_as(w.supervisor, "leader")
    queue = leader.page.locator("section.queue-supervise")
    assert TITLE in queue.inner_text()
    queue.get_by_role("link", name=TITLE).click()
    leader.audit()
    open_action(leader.page, "supervise")
    leader.page.fill("#id_supervise-content", "现场察看了两个小区。")
    run(leader, "supervise")
    assert "现场察看了两个小区" in leader.page.inner_text("#timeline")

    # The member rates the reply.
    page = member.go(detail)
    open_action(page, "feedback")
    page.check("input[name=feedback-communication][value=satisfied]")
    page.check("input[name=feedback-result][value=satisfied]")
    run(member, "feedback")
    assert state_of(page) == "已办结"
    timeline = page.inner_text("#timeline")
    for step in ("提交提案", "确认联名", "初审：退回修改", "修改内容", "初审通过", "复审通过",
                 "联审通过", "立案", "确定为重点提案", "交办", "签收", "会办意见", "答复（A类）",
                 "督办", "办结"):  # fmt: skip
        assert step in timeline, step

    member.screenshot(f"proposal-closed-{size}")

    # Printed, the page is the usual 提案 form, without the site around it.
    page.emulate_media(media="print")
    assert page.locator(".print-form").is_visible()
    assert TITLE in page.inner_text(".print-form") and number in page.inner_text(".print-form")
    assert not page.locator(".topbar").is_visible() and not page.locator("#timeline").is_visible()
    page.emulate_media(media="screen")
