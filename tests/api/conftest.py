"""API test helpers: one token-authenticated client per user, and a second committee."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from committees.models import Committee
from members import tokens
from proposals.choices import ReviewDecision
from proposals.models import Proposal
from proposals.services import handling, review, supervision
from tests import flows
from tests.factories import CommitteeFactory, World

Clients = Callable[..., APIClient]


def token_client(user) -> APIClient:
    """A client that authenticates like a real caller: ``Authorization: Token <key>``."""
    token = tokens.issue(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def as_user(db) -> Clients:
    """``as_user(user)`` → that user's token client (one per user per test)."""
    made: dict[int, APIClient] = {}

    def get(user) -> APIClient:
        if user.pk not in made:
            made[user.pk] = token_client(user)
        return made[user.pk]

    return get


@pytest.fixture
def county(world) -> World:
    """A county committee under ``world``'s city committee, with its own people."""
    committee = CommitteeFactory(
        name="小店区政协", code="xd", level=Committee.Level.COUNTY, parent=world.committee
    )
    return World.build(committee=committee, prefix="xd")


def errors_of(response) -> dict:
    """The ``errors`` of a 400 answer (asserting the shape on the way)."""
    assert response.status_code == 400, (response.status_code, response.content)
    assert response.data["code"] == "invalid", response.data
    return response.data["errors"]


class LazyWorld:
    """A :class:`World` built on first use (most tests never look at it)."""

    def __init__(self, prefix: str):
        self._prefix = prefix
        self._world: World | None = None

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._world is None:
            self._world = World.build(prefix=self._prefix)
        return getattr(self._world, name)


@pytest.fixture
def elsewhere(db) -> World:
    """Another city committee, with its own staff, members and units."""
    return LazyWorld("x")  # type: ignore[return-value]


def user_of(w: World, elsewhere: World | None, name: str):
    """A person by role name; ``foreign_*`` names come from the other committee."""
    if name.startswith("foreign_"):
        assert elsewhere is not None
        w, name = elsewhere, name.removeprefix("foreign_")
    person = getattr(w, name)
    return getattr(person, "user", person)


# ---- proposals at points of their life the flows do not name ---------------------------------


def today() -> datetime.date:
    return timezone.localdate()


def returned(w: World) -> Proposal:
    p = flows.confirmed(w)
    review.review(w.staff, p, stage="initial", decision=ReviewDecision.RETURN, opinion="请补充")
    return p


def half_reviewed(w: World, **kw) -> Proposal:
    p = flows.confirmed(w, **kw)
    review.review(w.staff, p, stage="initial", decision=ReviewDecision.PASS)
    return p


def assigned_now(w: World, **kw) -> Proposal:
    """Assigned today, so the re-routing window is open."""
    return flows.assigned(w, on=today(), **kw)


def replied_now(w: World) -> Proposal:
    """Replied today: the feedback window is still open."""
    p = assigned_now(w)
    lead = flows.lead_assignment(p)
    handling.accept(w.lead_handler, lead)
    handling.give_opinion(w.co_handler, flows.co_assignment(p), "同意")
    handling.reply(w.lead_handler, lead, classification="A", content="已解决")
    p.refresh_from_db()
    return p


def key(make: Callable[[World], Proposal]) -> Callable[[World], Proposal]:
    """``make``, then marked as a key proposal supervised by ``w.supervisor``."""

    def build(w: World, **kw) -> Proposal:
        return supervision.mark_key(w.staff, make(w, **kw), [w.supervisor.pk])

    return build


def many_proposals(w: World) -> list[Proposal]:
    """40 proposals in mixed states, with co-signers, co-units, keys, merges and feedback.

    The newest (first on a page ordered by -id) hold every kind of related row, so a
    page of 5 needs the same prefetches as a page of 40.
    """
    made: list[Proposal] = []
    for n in range(4):
        made += [
            flows.submitted(w, title=f"待联名{n}"),
            flows.confirmed(w, title=f"待审查{n}"),
            half_reviewed(w, title=f"审查中{n}"),
            flows.filed(w, title=f"已立案{n}"),
            flows.replied(w, title=f"已答复{n}"),
            returned(w),
            key(assigned_now)(w, title=f"重点{n}"),
            flows.closed(w, title=f"已办结{n}"),
        ]
        target = assigned_now(w, title=f"主提案{n}")
        source = flows.confirmed(w, title=f"并案{n}")
        review.merge(w.staff, source, into=target.pk)
        made += [target, source]
    return made
