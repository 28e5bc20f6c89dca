"""并案: a merged group is handled once; every proposer gets the reply and gives feedback."""

from __future__ import annotations

import pytest

from cppcc.errors import DomainError, InvalidTransition
from proposals.actors import feedback_givers
from proposals.choices import State
from proposals.models import Feedback, Notification
from proposals.services import feedback, handling, review
from tests import flows
from tests.factories import MemberFactory


def _second_proposer_proposal(world):
    from proposals.services import drafting

    other = world.other_member.user
    p = drafting.create_draft(
        other,
        {"title": "关于数字产业园的提案", "suggestions": "建议", "category": "economic"},
        today=flows.DAY,
    )
    drafting.submit(other, p, today=flows.DAY)
    return p


def test_merged_group_keeps_every_proposer_and_records_each_feedback(world):
    main = flows.filed(world)
    merged = _second_proposer_proposal(world)
    review.merge(world.staff, merged, into=main)
    merged.refresh_from_db()
    assert merged.state == State.MERGED and merged.merged_into == main
    assert merged.proposer == world.other_member.user  # the original proposer is kept

    givers = feedback_givers(main)
    assert givers == {
        world.member.user.pk: True,
        world.cosigner.user.pk: False,
        world.other_member.user.pk: False,
    }
    # The group is handled once, on the main proposal.
    handling.assign(world.staff, main, lead_unit=world.units[0].pk, today=flows.DAY)
    lead = flows.lead_assignment(main)
    handling.accept(world.lead_handler, lead, today=flows.DAY)
    handling.reply(world.lead_handler, lead, classification="A", content="已采纳", today=flows.DAY)
    main.refresh_from_db()
    assert main.state == State.REPLIED
    # Every proposer in the group was told about the reply.
    told = set(
        Notification.objects.filter(proposal=main, verb="replied").values_list("user", flat=True)
    )
    assert told == set(givers)

    feedback.give_feedback(
        world.other_member.user, main, communication="basically_satisfied", result="satisfied"
    )
    feedback.give_feedback(
        world.cosigner.user, main, communication="satisfied", result="basically_satisfied"
    )
    feedback.give_feedback(world.member.user, main, communication="satisfied", result="satisfied")
    rows = Feedback.objects.filter(proposal=main).order_by("id")
    assert [(f.user_id, f.communication, f.result, f.is_decisive) for f in rows] == [
        (world.other_member.user.pk, "basically_satisfied", "satisfied", False),
        (world.cosigner.user.pk, "satisfied", "basically_satisfied", False),
        (world.member.user.pk, "satisfied", "satisfied", True),
    ]
    main.refresh_from_db()
    assert main.state == State.CLOSED
    assert merged.events.filter(action="group_closed").exists()


def test_merged_proposer_sees_the_main_proposal(world):
    from proposals.models import Proposal

    main = flows.filed(world)
    merged = _second_proposer_proposal(world)
    review.merge(world.staff, merged, into=main)
    seen = set(Proposal.objects.visible_to(world.other_member.user).values_list("pk", flat=True))
    assert seen == {main.pk, merged.pk}


def test_merge_chains_follow_to_the_new_main(world):
    main = flows.filed(world)
    middle = flows.confirmed(world, title="中间提案")
    leaf = _second_proposer_proposal(world)
    review.merge(world.staff, leaf, into=middle)
    review.merge(world.staff, middle, into=main)
    leaf.refresh_from_db()
    assert leaf.merged_into == main
    assert {p.pk for p in main.merged_proposals.all()} == {middle.pk, leaf.pk}


def test_merge_refusals(world):
    p = flows.confirmed(world)
    with pytest.raises(DomainError):
        review.merge(world.staff, p, into=p)
    closed = flows.closed(world)
    with pytest.raises(InvalidTransition):
        review.merge(world.staff, p, into=closed)
    p.refresh_from_db()
    assert p.state == State.SUBMITTED and p.merged_into is None


def test_feedback_needs_both_dimensions_and_a_reason_when_dissatisfied(world):
    p = flows.replied(world)
    with pytest.raises(DomainError) as err:
        feedback.give_feedback(world.member.user, p, communication="", result="satisfied")
    assert err.value.field == "communication"
    with pytest.raises(DomainError) as err:
        feedback.give_feedback(
            world.member.user, p, communication="satisfied", result="dissatisfied"
        )
    assert err.value.field == "comment"
    feedback.give_feedback(world.cosigner.user, p, communication="satisfied", result="satisfied")
    with pytest.raises(InvalidTransition, match="已对本轮办理作出反馈"):
        feedback.give_feedback(
            world.cosigner.user, p, communication="satisfied", result="satisfied"
        )
    assert Feedback.objects.filter(proposal=p).count() == 1


def test_outsider_cannot_give_feedback(world):
    p = flows.replied(world)
    stranger = MemberFactory(committee=world.committee)
    from cppcc.errors import NotPermitted

    with pytest.raises(NotPermitted):
        feedback.give_feedback(stranger.user, p, communication="satisfied", result="satisfied")
