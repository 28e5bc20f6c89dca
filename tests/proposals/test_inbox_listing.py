"""The unit inbox is one listing (``queries.inbox``): the page and its Excel export show
the same rows in the same order, however many there are."""

from __future__ import annotations

import datetime

from proposals.choices import DeadlineKind
from proposals.exports import sources
from proposals.models import Assignment, Deadline
from tests.proposals.exports.data import bulk_filed

D = datetime.date


def test_the_inbox_and_its_export_agree_beyond_500_rows(client, world):
    bulk_filed(world, 600)
    lead = list(Assignment.objects.filter(unit=world.units[0]).order_by("id"))
    # The older an assignment, the later it falls due: the 500 newest are not the
    # 500 soonest due, which is what the page used to show.
    Deadline.objects.bulk_create(
        Deadline(
            proposal_id=a.proposal_id,
            assignment=a,
            kind=DeadlineKind.REPLY,
            start_date=D(2025, 3, 10),
            due_date=D(2025, 6, 10) + datetime.timedelta(days=600 - i),
        )
        for i, a in enumerate(lead)
    )
    exported = [a.pk for a in sources.assignments(world.lead_handler, {})]
    assert exported == [a.pk for a in reversed(lead)]  # all 600, soonest due first

    client.force_login(world.lead_handler)
    for page in (1, 26, 30):
        shown = client.get(f"/proposals/assignments/?page={page}").context["page"]
        assert [row["assignment"].pk for row in shown] == exported[(page - 1) * 20 : page * 20]
    newest = client.get("/proposals/assignments/?sort=new&page=30").context["page"]
    assert [row["assignment"].pk for row in newest] == [a.pk for a in lead[:20]][::-1]
