"""优秀提案评选: the only writer of award rounds, nominations, scores and the chosen list.

A round moves nominating → scoring → published. Staff (or administrators) of the
round's committee create it, nominate filed proposals, open scoring, choose and
publish; the panel (``AwardRound.reviewers``) scores each nomination on the round's
rubric. Once published nothing changes any more: every function here refuses.

Every function runs in one transaction holding the round's row lock, so a score or
a nomination can never slip in next to a publication. Round-level changes are logged
as ``CommitteeEvent`` rows (with ``data["round"]``); what happens to a proposal
(nominated, withdrawn, chosen, published) is logged as a ``ProposalEvent`` on it.
Individual scores go to the committee log only: a proposal's timeline is read by its
proposer, and the panel's marks are not theirs to see."""

from proposals.services.awards.nominations import (
    eligible_proposals,
    nominate,
    select,
    withdraw_nomination,
)
from proposals.services.awards.rounds import (
    UNSET,
    create_round,
    open_scoring,
    publish,
    update_round,
)
from proposals.services.awards.scoring import RankedNomination, ranking, score
from proposals.services.awards.steps import allowed_steps, can_manage, check_step
from proposals.services.awards.validation import (
    MAX_QUOTA,
    RUBRIC_MAX_CRITERIA,
    RUBRIC_MAX_POINTS,
    validate_points,
    validate_rubric,
)

__all__ = [
    "MAX_QUOTA",
    "RUBRIC_MAX_CRITERIA",
    "RUBRIC_MAX_POINTS",
    "UNSET",
    "RankedNomination",
    "allowed_steps",
    "can_manage",
    "check_step",
    "create_round",
    "eligible_proposals",
    "nominate",
    "open_scoring",
    "publish",
    "ranking",
    "score",
    "select",
    "update_round",
    "validate_points",
    "validate_rubric",
    "withdraw_nomination",
]
