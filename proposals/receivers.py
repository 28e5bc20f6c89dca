"""What ``proposals`` does when other apps announce a change (connected in ``apps``)."""

from __future__ import annotations

from functools import partial

from django.db import transaction

from committees.models import Committee
from proposals import search
from proposals.deadlines import recompute_open_deadlines
from proposals.text import index


def recompute_due_dates(sender, *, committee: Committee, actor=None, reason: str = "", **kw):
    """A committee's rules or calendar changed: move its open due dates, logging each."""
    recompute_open_deadlines(committee, actor, reason)


def keep_searchable(sender, *, instance, raw: bool = False, **kw):
    """A proposal was saved (every action saves it, replies included): its search
    document and its terms are rebuilt as soon as the change commits (outside the row lock)."""
    if not raw:
        transaction.on_commit(partial(search.reindex_committed, instance.pk))
        transaction.on_commit(partial(index.index_committed, instance.pk))
