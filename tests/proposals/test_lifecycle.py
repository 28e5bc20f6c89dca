"""One proposal through its whole life, through the service layer only."""

from proposals.choices import State
from proposals.models import Feedback, ProposalEvent
from proposals.services import feedback, handling
from tests import flows


def test_submit_outside_plenary_is_a_regular_proposal(world):
    p = flows.submitted(world)
    assert p.state == State.SUBMITTED
    assert p.kind == "regular"  # 2025-03-10 is after the plenary (01-10..01-14)
    assert p.session == world.session


def test_member_proposal_reaches_closed_after_dissatisfied_round(world):
    p = flows.replied(world, classification="B")
    assert p.state == State.REPLIED
    feedback.give_feedback(
        world.member.user, p, communication="satisfied", result="dissatisfied", comment="未落实"
    )
    p.refresh_from_db()
    assert p.state == State.REHANDLING
    assert p.handling_round == 2
    lead = flows.lead_assignment(p)
    assert lead.status == "accepted"
    handling.reply(world.lead_handler, lead, classification="A", content="已解决")
    p.refresh_from_db()
    assert p.state == State.REPLIED
    # The co-signer is heard, but only the lead proposer's word closes it.
    feedback.give_feedback(world.cosigner.user, p, communication="satisfied", result="satisfied")
    p.refresh_from_db()
    assert p.state == State.REPLIED
    feedback.give_feedback(world.member.user, p, communication="satisfied", result="satisfied")
    p.refresh_from_db()
    assert p.state == State.CLOSED
    assert Feedback.objects.filter(proposal=p).count() == 3
    actions = list(ProposalEvent.objects.filter(proposal=p).values_list("action", flat=True))
    assert actions[:3] == ["create", "submit", "cosign"]
    assert actions.count("reply") == 2 and actions.count("feedback") == 3
