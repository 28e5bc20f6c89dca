"""Filing numbers: unique and gap-free per session, even under concurrent filing.

The session's counter row is locked for the rest of the filing transaction, so
a rolled-back filing gives its number back and no two filings share one.
"""

from __future__ import annotations

from committees.models import Session
from committees.rules import rules_for
from proposals.models import NumberSequence


def next_number(session: Session) -> tuple[int, str]:
    """Take the next sequence number of ``session`` (call inside ``transaction.atomic``)."""
    NumberSequence.objects.bulk_create([NumberSequence(session=session)], ignore_conflicts=True)
    counter = NumberSequence.objects.select_for_update().get(session=session)
    counter.last += 1
    counter.save(update_fields=["last"])
    rules = rules_for(session.committee_id, session.pk)
    number = rules.number_format.format(
        term=session.term, meeting=session.meeting, year=session.year, seq=counter.last
    )
    return counter.last, number
