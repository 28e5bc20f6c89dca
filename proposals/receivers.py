"""What ``proposals`` does when other apps announce a change (connected in ``apps``)."""

from __future__ import annotations

from committees.models import Committee
from proposals.deadlines import recompute_open_deadlines


def recompute_due_dates(sender, *, committee: Committee, actor=None, reason: str = "", **kw):
    """A committee's rules or calendar changed: move its open due dates, logging each."""
    recompute_open_deadlines(committee, actor, reason)
