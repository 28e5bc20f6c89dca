"""The frame every action runs in: lock, check the workflow table, change, audit.

Used by every module in ``proposals.services``; nothing else changes a proposal's
state.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc import uploads
from cppcc.errors import DomainError, StaleVersion
from members.models import User
from proposals import workflow
from proposals.domain.events import Event, EventKind
from proposals.locks import lock_proposal
from proposals.models import Assignment, Proposal, ProposalEvent


@dataclass
class Step:
    """What one action is doing: the locked proposal, and what to write to the log."""

    user: User | None
    action: str
    proposal: Proposal
    assignment: Assignment | None
    today: datetime.date
    from_state: str
    # What to log (``proposals.domain.events``); by default the action's own kind, bare.
    event: Event | None = None
    # Set by an action that turned out to change nothing: no save, no version bump, no event.
    unchanged: bool = False

    def set_state(self, state: str) -> None:
        self.proposal.state = state


def require(condition: Any, message: str, field_name: str | None = None) -> None:
    if not condition:
        raise DomainError(message, field=field_name)


def checked_upload(upload, kind: str, field_name: str) -> uploads.CheckedUpload:
    """The upload if the rules in ``cppcc.uploads`` accept it; a field error otherwise."""
    try:
        return uploads.check_upload(upload, kind)
    except uploads.UploadRejected as exc:
        raise DomainError(exc.message, field=field_name) from None


def delete_file_on_commit(field_file) -> None:
    """Remove a stored file once the change that dropped it is committed (never before:
    a rolled-back removal must find its file still there)."""
    if field_file:
        storage, name = field_file.storage, field_file.name
        transaction.on_commit(lambda: storage.delete(name))


@contextmanager
def action(
    user: User | None,
    name: str,
    proposal: Proposal | int,
    *,
    assignment: Assignment | int | None = None,
    today: datetime.date | None = None,
    expected_version: int | None = None,
) -> Iterator[Step]:
    """Run one workflow action atomically on the locked proposal, then log it.

    The body mutates ``step.proposal`` (and related rows); on exit the proposal is
    saved with a bumped version and one event records from → to.
    """
    today = today or timezone.localdate()
    proposal_id = proposal if isinstance(proposal, int) else proposal.pk
    with transaction.atomic():
        locked = lock_proposal(proposal_id)
        if expected_version is not None and locked.version != expected_version:
            raise StaleVersion(
                _("该提案已被他人修改（当前版本 {v}），请刷新后再试。").format(v=locked.version)
            )
        locked_assignment = None
        if assignment is not None:
            assignment_id = assignment if isinstance(assignment, int) else assignment.pk
            locked_assignment = (
                Assignment.objects.select_for_update(of=("self",))
                .select_related("unit")
                .get(pk=assignment_id, proposal_id=locked.pk)
            )
        workflow.check(user, name, locked, locked_assignment, today)
        step = Step(user, name, locked, locked_assignment, today, from_state=locked.state)
        yield step
        if not step.unchanged:
            locked.version = F("version") + 1
            locked.save()
            locked.refresh_from_db(fields=["version"])
            ProposalEvent.objects.record(
                locked, user, step.event or Event(EventKind(name)), step.from_state
            )
    if not isinstance(proposal, int):
        # Let the caller's object reflect the change.
        for attr in ("state", "version", "number", "is_key", "handling_round"):
            setattr(proposal, attr, getattr(locked, attr))
