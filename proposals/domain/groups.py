"""Groups of proposal states and unit roles, each defined here and nowhere else.

A test (tests/proposals/domain/test_groups.py) fails when a module outside
``proposals.domain`` and the workflow table spells out a group of states again.
"""

from __future__ import annotations

from proposals.choices import AssignmentStatus, DeadlineKind, State, UnitRole

# Still the proposer's to change: a draft, or a proposal returned for revision.
EDITABLE = frozenset({State.DRAFT, State.RETURNED})

# With the proposal committee, before a decision on filing.
UNDER_CONSIDERATION = frozenset({State.SUBMITTED, State.UNDER_REVIEW})

# Filed (立案) and after: the proposal has a number and is this committee's to handle.
# Merging and transfer happen before filing, so these are exactly the numbered ones.
FILED = frozenset({State.FILED, State.ASSIGNED, State.REPLIED, State.REHANDLING, State.CLOSED})

# The handling units are at work (after 交办, and again in 重新办理).
HANDLING = frozenset({State.ASSIGNED, State.REHANDLING})

# Nothing more will happen to it.
ENDED = frozenset({State.WITHDRAWN, State.DECLINED, State.MERGED, State.TRANSFERRED, State.CLOSED})

# On the committee's record: sent in and not taken back or sent elsewhere (what similar
# proposals are looked for among).
ON_RECORD = frozenset(State) - {State.DRAFT, State.WITHDRAWN, State.TRANSFERRED}

# A proposal still open to receive another by merging (并案).
MERGE_TARGETS = frozenset({State.SUBMITTED, State.UNDER_REVIEW, State.FILED, State.ASSIGNED})

# Units that answer with a reply letter (主办, 分办); co-handling units give opinions.
REPLYING_ROLES = frozenset({UnitRole.LEAD, UnitRole.SEPARATE})
# The deadlines a unit works to (答复, 会办意见): what "due" and "overdue" mean for it.
HANDLING_DEADLINES = frozenset({DeadlineKind.REPLY, DeadlineKind.CO_OPINION})

# Still needs the unit's work (the inbox's default view).
OPEN_ASSIGNMENTS = frozenset(
    {AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED, AssignmentStatus.REROUTE_REQUESTED}
)

# Every deadline a unit is reminded of: its work, and its window to ask for re-routing.
UNIT_DEADLINES = HANDLING_DEADLINES | {DeadlineKind.REROUTE_WINDOW}

# How units are listed: the lead unit first, always.
ROLE_ORDER = (UnitRole.LEAD, UnitRole.CO, UnitRole.SEPARATE)


def values(group: frozenset) -> list[str]:
    """A group as a sorted list of values, for ``__in`` lookups with a stable SQL text."""
    return sorted(str(member) for member in group)
