"""A list fetches what the workflow reads only for the rows whose state needs it
(``workflow.RULE_READS``, ``queries.prepare_rows``): once a page is prepared, asking the
rules about any row, for anyone, runs no query. A condition that starts reading another
relation, or in another state, fails here before it makes a list N+1."""

from __future__ import annotations

from proposals import queries, workflow
from proposals.services import review, supervision
from tests import flows
from tests.helpers import queries_of


def every_state(world) -> None:
    flows.draft(world)
    flows.submitted(world)
    flows.confirmed(world)
    under_review = flows.reviewed(world)
    review.review(world.staff, flows.confirmed(world), stage="initial", decision="return",
                  opinion="请补充")  # fmt: skip
    filed = flows.filed(world)
    supervision.mark_key(world.staff, filed, supervisors=[world.supervisor.pk])
    flows.assigned(world)
    flows.replied(world)
    flows.closed(world)
    review.merge(world.staff, flows.confirmed(world), into=under_review.pk)


def test_prepared_rows_answer_every_rule_without_a_query(world):
    every_state(world)
    viewers = [
        world.staff,
        world.member.user,
        world.cosigner.user,
        world.supervisor,
        world.lead_handler,
        world.co_handler,
    ]
    for user in viewers:
        rows = list(queries.proposal_list(user).order_by("-id"))
        queries.prepare_rows(rows)
        assert rows, user

        def ask(rows=rows, user=user) -> None:
            for p in rows:
                workflow.allowed_actions(user, p, flows.DAY)
                workflow.todos(user, p, flows.DAY)
                workflow.blocked_anywhere(user, p, flows.DAY)
                for a in p.assignments.all():
                    workflow.allowed_assignment_actions(user, a, flows.DAY)

        assert queries_of(ask) == 0, user


def test_states_reading_come_from_the_actions_sources():
    assert workflow.states_reading("reviews") == {"submitted", "under_review"}
    assert workflow.states_reading("feedback") == {"replied"}
