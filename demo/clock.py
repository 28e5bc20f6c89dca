"""The simulated clock the demo is built under (``timezone.now`` patched)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.db.models.signals import pre_save
from django.utils import timezone

from proposals.models import ProposalEvent

_CLOCK_UID = "demo.clock.SimulatedClock"


class SimulatedClock:
    """Stands in for ``timezone.now`` while the world is built.

    Each reading advances one second, so steps taken at "the same" moment keep
    their order. ProposalEvent's ``created_at`` default was bound to the real
    ``timezone.now`` at import, so a pre_save receiver stamps new events instead.
    """

    tick = datetime.timedelta(seconds=1)

    def __init__(self) -> None:
        self._moment: datetime.datetime | None = None

    def set(self, moment: datetime.datetime) -> None:
        self._moment = moment

    def now(self) -> datetime.datetime:
        if self._moment is None:
            raise RuntimeError("SimulatedClock read before it was set.")
        moment = self._moment
        self._moment = moment + self.tick
        return moment

    @contextmanager
    def running(self) -> Iterator[SimulatedClock]:
        def stamp(sender, instance: ProposalEvent, **kwargs) -> None:
            if instance.pk is None:
                instance.created_at = self.now()

        pre_save.connect(stamp, sender=ProposalEvent, weak=False, dispatch_uid=_CLOCK_UID)
        try:
            with mock.patch.object(timezone, "now", self.now):
                yield self
        finally:
            pre_save.disconnect(sender=ProposalEvent, dispatch_uid=_CLOCK_UID)


# ---- names and texts --------------------------------------------------------------------------
