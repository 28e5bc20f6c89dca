"""An award round in the test world: three filed proposals and a two-person panel."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from members.models import User
from proposals.models import AwardRound, Nomination, Proposal
from proposals.services import awards
from tests import flows
from tests.factories import UserFactory, World

RUBRIC = [
    {"key": "topic", "label": "选题价值", "max": 40},
    {"key": "feasibility", "label": "建议可行性", "max": 60},
]


def filed_proposals(w: World, n: int) -> list[Proposal]:
    """``n`` filed proposals, their proposers taking turns (member, other member, cosigner)."""
    proposers = [w.member, w.other_member, w.cosigner]
    return [
        flows.filed(
            replace(w, member=proposers[i % 3]), title=f"关于第{i + 1}项工作的提案", cosigners=False
        )
        for i in range(n)
    ]


def points(total: int) -> dict[str, int]:
    """Marks on ``RUBRIC`` adding up to ``total`` (0–100)."""
    topic = min(total, 40)
    return {"topic": topic, "feasibility": total - topic}


@dataclass
class Awards:
    world: World
    round: AwardRound
    proposals: list[Proposal]
    expert: User  # a think-tank expert: an account with no role at all
    reviewers: list[User]

    def nominate_all(self) -> list[Nomination]:
        return [awards.nominate(self.world.staff, self.round, p, "选题好") for p in self.proposals]

    def scoring(self) -> list[Nomination]:
        nominations = self.nominate_all()
        awards.open_scoring(self.world.staff, self.round)
        return nominations


def build_awards(w: World, proposals: int = 3) -> Awards:
    expert = UserFactory(committee=w.committee, display_name="智库专家")
    reviewers = [expert, w.lead_handler]
    award_round = awards.create_round(
        w.staff,
        name="2025年度优秀提案评选",
        year=2025,
        rubric=RUBRIC,
        quota=2,
        reviewers=reviewers,
    )
    return Awards(w, award_round, filed_proposals(w, proposals), expert, reviewers)


@pytest.fixture
def aw(world) -> Awards:
    return build_awards(world)
