"""What a user may do outside a proposal's transitions, declared once.

A proposal's actions are the workflow table's (``proposals.workflow``); everything else a
screen, an API endpoint or the navigation offers — the dashboard, the overdue board,
re-routing decisions, awards, account import — is a capability here, granted to roles.
Views, API permissions, templates (``can`` in every page's context) and the navigation
all ask :func:`may`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from members.roles import Role, roles_of

if TYPE_CHECKING:
    from members.models import User


class Capability(StrEnum):
    WRITE_PROPOSALS = "write_proposals"  # draft, submit, co-sign as a proposer
    HANDLE_ASSIGNMENTS = "handle_assignments"  # a handling unit's inbox
    SEE_STATISTICS = "see_statistics"  # dashboard, annual report, scorecard
    SEE_OWN_SCORECARD = "see_own_scorecard"  # a unit's own line of the scorecard
    SEE_KEY_PROPOSALS = "see_key_proposals"  # the key-proposal list (supervisors: theirs)
    SEE_OVERDUE_BOARD = "see_overdue_board"
    SEE_ALL_KEY_PROPOSALS = "see_all_key_proposals"  # not only those one supervises
    DECIDE_REROUTING = "decide_rerouting"  # approve or reject re-routing requests
    LIST_REROUTING = "list_rerouting"  # see re-routing requests (units: their own)
    SEE_REMINDER_LOG = "see_reminder_log"
    EXPORT_COMPILATION = "export_compilation"  # 提案汇编 and other office exports
    MANAGE_AWARDS = "manage_awards"  # open rounds, nominate, choose, publish
    ADMINISTER = "administer"  # accounts, account import, rules, holiday calendar
    ROUTE_PROPOSALS = "route_proposals"  # merge suggestions, suggested units and category


STAFF = frozenset({Role.STAFF, Role.ADMIN})
GRANTS: dict[Capability, frozenset[Role]] = {
    Capability.WRITE_PROPOSALS: frozenset({Role.MEMBER, Role.COLLECTIVE}),
    Capability.HANDLE_ASSIGNMENTS: frozenset({Role.UNIT}),
    Capability.SEE_STATISTICS: STAFF | {Role.SUPERVISOR},
    Capability.SEE_OWN_SCORECARD: frozenset({Role.UNIT}),
    Capability.SEE_KEY_PROPOSALS: STAFF | {Role.SUPERVISOR},
    Capability.SEE_OVERDUE_BOARD: STAFF | {Role.SUPERVISOR},
    Capability.SEE_ALL_KEY_PROPOSALS: STAFF,
    Capability.DECIDE_REROUTING: STAFF,
    Capability.LIST_REROUTING: STAFF | {Role.SUPERVISOR, Role.UNIT},
    Capability.SEE_REMINDER_LOG: STAFF,
    Capability.EXPORT_COMPILATION: STAFF,
    Capability.MANAGE_AWARDS: STAFF,
    Capability.ADMINISTER: frozenset({Role.ADMIN}),
    Capability.ROUTE_PROPOSALS: STAFF,
}


def may(user: User | None, capability: Capability) -> bool:
    """True when one of the user's roles grants ``capability``."""
    return bool(roles_of(user) & GRANTS[capability])


def capabilities_of(user: User | None) -> dict[str, bool]:
    """Every capability by name, for templates and the navigation."""
    roles = roles_of(user)
    return {str(c): bool(roles & granted) for c, granted in GRANTS.items()}
