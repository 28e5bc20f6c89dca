"""The audit trail records every change; failed actions change and record nothing."""

from __future__ import annotations

import pytest
from django.core import mail

from cppcc.errors import DomainError, InvalidTransition, StaleVersion
from proposals.models import Cosigner, Notification, Proposal, ProposalEvent
from proposals.services import drafting, feedback, handling, review
from tests import flows


def test_every_step_of_a_life_is_logged_with_actor_and_states(world):
    p = flows.replied(world)
    feedback.give_feedback(
        world.member.user, p, communication="satisfied", result="dissatisfied", comment="未落实"
    )
    lead = flows.lead_assignment(p)
    handling.reply(world.lead_handler, lead, classification="A", content="已解决", today=flows.DAY)
    feedback.give_feedback(world.member.user, p, communication="satisfied", result="satisfied")
    events = list(ProposalEvent.objects.filter(proposal=p).order_by("id"))
    trail = [(e.action, e.from_state, e.to_state) for e in events]
    assert trail == [
        ("create", "", "draft"),
        ("submit", "draft", "submitted"),
        ("cosign", "submitted", "submitted"),
        ("review", "submitted", "under_review"),
        ("review", "under_review", "under_review"),
        ("review", "under_review", "under_review"),
        ("file", "under_review", "filed"),
        ("assign", "filed", "assigned"),
        ("accept", "assigned", "assigned"),
        ("give_opinion", "assigned", "assigned"),
        ("reply", "assigned", "replied"),
        ("feedback", "replied", "rehandling"),
        ("reply", "rehandling", "replied"),
        ("feedback", "replied", "closed"),
    ]
    actors = {e.action: e.actor for e in events}
    assert actors["file"] == world.staff and actors["give_opinion"] == world.co_handler
    assert all(e.message for e in events)


def test_the_timeline_is_rendered_from_typed_parameters_and_can_be_queried(world):
    p = flows.replied(world, classification="A")
    feedback.give_feedback(
        world.member.user, p, communication="satisfied", result="dissatisfied", comment="未落实"
    )
    lead, co = world.units[0], world.units[1]
    sentences = [e.message for e in ProposalEvent.objects.filter(proposal=p).order_by("id")]
    assert sentences[:4] == ["创建草稿", "提交提案（平时提案）", "确认联名", "初审通过"]
    assert sentences[6:] == [
        f"立案，案号 {p.number}",
        f"交办：主办 {lead.name}；会办 {co.name}",
        f"{lead.name}签收",
        f"{co.name}提交会办意见",
        f"{lead.name}答复（A类）",
        "反馈：沟通满意，结果不满意；转入重新办理（第2轮）",
    ]
    # The parameters are fields, not words: "which replies did this unit give, which class".
    reply = ProposalEvent.objects.get(action="reply", data__unit=lead.name)
    assert (reply.data["classification"], reply.data["assignment"]) == (
        "A",
        flows.lead_assignment(p).pk,
    )
    assert "text" not in reply.data


def test_event_log_is_append_only(world):
    p = flows.submitted(world)
    event = p.events.first()
    event.data = {"text": "篡改"}
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        ProposalEvent.objects.filter(proposal=p).update(data={})
    with pytest.raises(TypeError):
        ProposalEvent.objects.filter(proposal=p).delete()


def test_failed_action_leaves_no_half_done_change(world):
    p = flows.confirmed(world)
    before = (ProposalEvent.objects.count(), Notification.objects.count())
    # Decline with a ground that is not in the configured list: refused as a whole.
    with pytest.raises(DomainError) as err:
        review.review(world.staff, p, stage="initial", decision="decline", decline_ground="随便")
    assert err.value.field == "decline_ground"
    p.refresh_from_db()
    assert p.state == "submitted" and p.reviews.count() == 0
    assert (ProposalEvent.objects.count(), Notification.objects.count()) == before


def test_review_waits_for_every_cosigner(world):
    p = flows.submitted(world)
    with pytest.raises(InvalidTransition, match="联名人尚未全部确认"):
        review.review(world.staff, p, stage="initial", decision="pass")
    drafting.remove_cosigner(world.member.user, p, world.cosigner.pk)
    review.review(world.staff, p, stage="initial", decision="pass")
    assert Cosigner.objects.get(proposal=p).status == "removed"


def test_review_stages_follow_the_rule_set_order(world):
    from committees.models import RuleSet

    RuleSet.objects.create(committee=world.committee, review_stages=["initial", "joint"])
    p = flows.confirmed(world)
    with pytest.raises(DomainError) as err:
        review.review(world.staff, p, stage="second", decision="pass")
    assert err.value.field == "stage"
    review.review(world.staff, p, stage="initial", decision="pass")
    with pytest.raises(InvalidTransition):
        review.file(world.staff, p)
    review.review(world.staff, p, stage="joint", decision="pass")
    assert review.file(world.staff, p).number == "14-2-0001"


def test_return_restarts_review_and_resubmission_reinvites_cosigners(world):
    p = flows.confirmed(world)
    review.review(world.staff, p, stage="initial", decision="pass")
    with pytest.raises(DomainError):
        review.review(world.staff, p, stage="second", decision="return")  # needs an opinion
    review.review(world.staff, p, stage="second", decision="return", opinion="建议不具体")
    p.refresh_from_db()
    assert p.state == "returned"
    drafting.update_draft(world.member.user, p, {"suggestions": "更具体的建议"})
    drafting.submit(world.member.user, p, today=flows.DAY)
    assert p.cosigners.get().status == "invited"
    drafting.cosign(world.cosigner.user, p)
    with pytest.raises(DomainError):
        review.review(world.staff, p, stage="second", decision="pass")
    review.review(world.staff, p, stage="initial", decision="pass")


def test_decline_keeps_reason_and_forwards_as_opinion(world):
    p = flows.confirmed(world)
    ground = "涉及个人私事或具体人事"
    review.review(
        world.staff,
        p,
        stage="initial",
        decision="decline",
        decline_ground=ground,
        opinion="建议通过信访渠道反映",
        forward_to=world.units[2].pk,
    )
    p.refresh_from_db()
    assert (p.state, p.decline_ground, p.forwarded_to) == ("declined", ground, world.units[2])
    assert p.pk in Proposal.objects.visible_to(world.other_handler).values_list("pk", flat=True)
    note = Notification.objects.get(user=world.member.user, verb="declined")
    assert ground in note.message


def test_stale_version_is_refused(world):
    p = flows.draft(world)
    version = p.version
    drafting.update_draft(world.member.user, p, {"title": "第一个标签页"}, expected_version=version)
    with pytest.raises(StaleVersion):
        drafting.update_draft(
            world.member.user, p, {"title": "第二个标签页"}, expected_version=version
        )
    p.refresh_from_db()
    assert p.title == "第一个标签页"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_emails_leave_only_after_commit():
    from django.db import transaction

    from tests.factories import World

    w = World.build()
    p = flows.draft(w)
    mail.outbox.clear()
    with transaction.atomic():
        drafting.submit(w.member.user, p, today=flows.DAY)
        assert mail.outbox == []  # queued, not sent inside the transaction
    assert [m.to for m in mail.outbox] == [[w.cosigner.user.email]]
    assert Notification.objects.get(verb="cosign_invited").emailed_at is not None


def test_kind_is_plenary_during_the_plenary(world):
    import datetime

    p = flows.draft(world)
    drafting.submit(world.member.user, p, today=datetime.date(2025, 1, 12))
    assert p.kind == "plenary"


def test_staff_hear_when_a_proposal_is_ready_for_review(world):
    p = flows.submitted(world)
    assert not Notification.objects.filter(verb="ready_for_review").exists()
    drafting.cosign(world.cosigner.user, p)
    ready = Notification.objects.filter(verb="ready_for_review", proposal=p)
    assert list(ready.values_list("user", flat=True)) == [world.staff.pk]
