"""Lists ask the workflow table what every row allows: that must not build the refusal
messages only a single action's error shows."""

from __future__ import annotations

from proposals import workflow
from tests import flows


def test_allowed_actions_build_no_refusal_message(world, monkeypatch):
    proposals = [
        flows.draft(world),
        flows.submitted(world),
        flows.assigned(world),
        flows.replied(world),
    ]
    expected = {p.pk: [workflow.allowed_actions(world.staff, p, flows.DAY)] for p in proposals}

    def built(*args, **kwargs):
        raise AssertionError("a refusal message was built")

    monkeypatch.setattr(workflow, "_", built)
    users = [world.staff, world.member.user, world.cosigner.user, world.lead_handler]
    for p in proposals:
        for user in [*users, world.supervisor, world.co_handler]:
            workflow.allowed_actions(user, p, flows.DAY)
            for a in p.assignments.all():
                workflow.allowed_assignment_actions(user, a, flows.DAY)
        assert [workflow.allowed_actions(world.staff, p, flows.DAY)] == expected[p.pk]
