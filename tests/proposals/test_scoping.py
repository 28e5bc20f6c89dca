"""Who sees what: tenants (committees), units and proposers — one queryset method."""

from __future__ import annotations

import pytest

from committees.scoping import statistics_committee_ids
from cppcc.errors import NotPermitted
from proposals.choices import State
from proposals.history import timeline
from proposals.models import Assignment, Proposal
from proposals.services import drafting, review
from tests import flows
from tests.factories import CommitteeFactory, World


@pytest.fixture
def county(world) -> World:
    committee = CommitteeFactory(
        name="小店区政协", code="xd", parent=world.committee, level="county"
    )
    return World.build(committee=committee, prefix="小店")


def visible(user) -> set[int]:
    return set(Proposal.objects.visible_to(user).values_list("pk", flat=True))


def test_county_staff_and_units_never_see_other_committees(world, county):
    city_p = flows.assigned(world)
    county_p = flows.assigned(county)
    other_county = World.build(
        committee=CommitteeFactory(name="迎泽区政协", code="yz", parent=world.committee),
        prefix="迎泽",
    )
    other_p = flows.submitted(other_county)

    assert visible(county.staff) == {county_p.pk}
    assert visible(county.lead_handler) == {county_p.pk}
    assert visible(other_county.staff) == {other_p.pk}
    assert visible(world.staff) == {city_p.pk}
    assert set(
        Assignment.objects.visible_to(county.lead_handler).values_list("proposal", flat=True)
    ) == {county_p.pk}
    assert not Assignment.objects.visible_to(county.staff).filter(proposal=city_p).exists()


def test_city_staff_see_county_statistics_but_not_their_proposals(world, county):
    ids = statistics_committee_ids(world.staff)
    assert ids == {world.committee.pk, county.committee.pk}
    assert statistics_committee_ids(county.staff) == {county.committee.pk}


def test_units_see_only_their_own_assignments(world):
    p = flows.assigned(world, with_co=False)
    assert visible(world.lead_handler) == {p.pk}
    assert visible(world.co_handler) == set()
    assert visible(world.other_handler) == set()
    assert Assignment.objects.visible_to(world.other_handler).count() == 0


def test_members_never_see_others_drafts(world):
    mine = flows.draft(world)
    assert visible(world.member.user) == {mine.pk}
    assert visible(world.other_member.user) == set()
    assert visible(world.staff) == set()  # staff do not see unsent drafts
    assert visible(world.cosigner.user) == set()  # invited only once submitted
    drafting.submit(world.member.user, mine, today=flows.DAY)
    assert visible(world.cosigner.user) == {mine.pk}
    assert visible(world.staff) == {mine.pk}


def test_collective_contact_sees_the_organizations_proposals(world):
    p = drafting.create_draft(
        world.collective, {"title": "集体提案", "suggestions": "建议", "category": "social"}
    )
    assert p.source == "collective" and p.organization == world.organization
    assert visible(world.collective) == {p.pk}


def test_supervisors_see_filed_work_only(world):
    submitted = flows.submitted(world)
    filed = flows.filed(world)
    assert visible(world.supervisor) == {filed.pk}
    assert submitted.pk not in visible(world.supervisor)


def test_anonymous_and_inactive_users_see_nothing(world, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    flows.submitted(world)
    assert visible(AnonymousUser()) == set()
    world.staff.is_active = False
    world.staff.save()
    assert visible(world.staff) == set()


def test_transfer_keeps_history_and_links_both_ways(world, county):
    p = flows.confirmed(world)
    review.review(world.staff, p, stage="initial", decision="pass")
    copy = review.transfer(world.staff, p, county.committee, "属于区级事项")
    p.refresh_from_db()

    assert p.state == State.TRANSFERRED
    assert copy.committee == county.committee and copy.state == State.SUBMITTED
    assert copy.transferred_from == p and p.transferred_to == copy
    assert list(copy.cosigners.values_list("member", "status")) == list(
        p.cosigners.values_list("member", "status")
    )
    # Receiving staff see the new proposal and its whole history; the sender keeps its own.
    assert copy.pk in visible(county.staff) and p.pk not in visible(county.staff)
    assert p.pk in visible(world.staff) and copy.pk not in visible(world.staff)
    actions = [e.action for e in timeline(copy)]
    assert actions[:4] == ["create", "submit", "cosign", "review"]
    assert set(actions[-2:]) == {"transfer", "transferred_in"}
    # The proposer follows it across.
    assert {p.pk, copy.pk} <= visible(world.member.user)
    # The receiving staff can carry on.
    review.review(county.staff, copy, stage="initial", decision="pass")


def test_transfer_to_own_committee_is_refused(world):
    p = flows.confirmed(world)
    with pytest.raises(Exception, match="不能转交给本政协"):
        review.transfer(world.staff, p, world.committee, "理由")
    p.refresh_from_db()
    assert p.state == State.SUBMITTED


def test_member_cannot_act_for_another_committee(world, county):
    p = flows.submitted(world)
    with pytest.raises(NotPermitted):
        drafting.withdraw(county.member.user, p)
