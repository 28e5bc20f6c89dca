"""Merge suggestions (proposals.text.merge_queue): a session's twins grouped, the filed
or first one as the main proposal, dismissals remembered."""

from __future__ import annotations

import pytest

from proposals.models import MergeDismissal, Proposal
from proposals.text import merge_queue
from tests import flows
from tests.proposals.text.corpus import (
    BOILERPLATE_ONLY,
    ELDERLY,
    ELDERLY_AGAIN,
    SCHOOLS,
    TRAFFIC,
    train,
    written,
)

pytestmark = pytest.mark.django_db


def groups_of(world) -> list[list[str]]:
    found = merge_queue.suggestions(Proposal.objects.all(), world.session.pk)
    return [[g.main.title, *(p.title for p, _ in g.others)] for g in found]


def test_twins_are_grouped_with_the_filed_one_as_main(world):
    first = written(world, ELDERLY)
    filed = flows.filed(world, cosigners=False, **ELDERLY_AGAIN)
    for content in (SCHOOLS, TRAFFIC, BOILERPLATE_ONLY):
        written(world, content)
    train()
    assert groups_of(world) == [[filed.title, first.title]]
    (group,) = merge_queue.suggestions(Proposal.objects.all(), world.session.pk)
    assert group.ids == [filed.pk, first.pk] and group.others[0][1] >= merge_queue.THRESHOLD


def test_a_dismissed_pair_is_not_suggested_again_nor_through_a_third(world):
    a, b = written(world, ELDERLY), written(world, ELDERLY_AGAIN)
    train()
    MergeDismissal.objects.create(first=a, second=b, dismissed_by=world.staff)
    assert groups_of(world) == []
    # A third twin still pairs with each of them.
    c = written(world, {**ELDERLY, "title": "关于加强社区居家养老服务的提案"})
    train()
    # A star round the first sent in: b is like c but no longer paired with a.
    (group,) = merge_queue.suggestions(Proposal.objects.all(), world.session.pk)
    assert group.main == a and [p for p, _ in group.others] == [c]


def test_groups_whose_proposals_are_all_assigned_are_left_alone(world):
    flows.assigned(world, cosigners=False, **ELDERLY)
    flows.assigned(world, cosigners=False, **ELDERLY_AGAIN)
    train()
    assert groups_of(world) == []
