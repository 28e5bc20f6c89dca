"""The figures the demo reproduces (the 2023 report) and the fixed sizes of the world."""

from __future__ import annotations

import datetime
from collections import Counter

from committees.models import Committee
from proposals.choices import (
    Category,
    CommunicationMethod,
    Source,
    State,
)
from proposals.models import Proposal

# The live part looks back up to ~190 days; from this date on none of it falls in 2023
# or before 十四届三次 (2024-02-25).
MIN_TODAY = datetime.date(2024, 9, 10)
FIRST_YEAR = 2022
CITY_TERM = 14
CITY_PLENARIES: dict[int, tuple[datetime.date, datetime.date]] = {
    2022: (datetime.date(2022, 1, 5), datetime.date(2022, 1, 8)),
    2023: (datetime.date(2023, 1, 10), datetime.date(2023, 1, 13)),
    2024: (datetime.date(2024, 2, 25), datetime.date(2024, 2, 28)),
}
CITY_MEMBERS = 400
COUNTY_MEMBERS = 20

# The 2023 report (see /work/shared/README.md).
RECEIVED_2023 = 743
FILED_2023 = 618
FILED_BY_SOURCE_2023 = {Source.MEMBER: 465, Source.COLLECTIVE: 153}
FILED_BY_CATEGORY_2023 = {
    Category.ECONOMIC: 178,
    Category.POLITICAL: 51,
    Category.CULTURAL: 75,
    Category.SOCIAL: 269,
    Category.ECOLOGICAL: 45,
}
# The 125 received but not filed.
NOT_FILED_2023 = {State.DECLINED: 98, State.MERGED: 20, State.WITHDRAWN: 7}
KEY_PROPOSALS_2023 = 50
# Everything of 2023 happens in 2023.
LAST_REPLY_2023 = datetime.date(2023, 12, 15)
LAST_FEEDBACK_2023 = datetime.date(2023, 12, 29)
PLENARY_SHARE = 0.85
COMMUNICATION_METHODS = [
    CommunicationMethod.PHONE,
    CommunicationMethod.MEETING,
    CommunicationMethod.VISIT,
]
REPLY_CLASS_WEIGHTS = {"A": 70, "B": 25, "C": 5}

ONE_DAY = datetime.timedelta(days=1)
OK = "符合立案条件，同意。"
BATCH = 500


# ---- demo logins ------------------------------------------------------------------------------


def figures_2023(committee: Committee) -> dict[str, int]:
    """The 2023 report's figures, counted from the data (received = submitted in 2023)."""
    received = Proposal.objects.filter(committee=committee, submitted_at__year=2023).exclude(
        state=State.DRAFT
    )
    filed = received.exclude(number="")
    figures = {"received": received.count(), "filed": filed.count()}
    figures.update({str(k): n for k, n in Counter(filed.values_list("source", flat=True)).items()})
    figures.update(
        {str(k): n for k, n in Counter(filed.values_list("category", flat=True)).items()}
    )
    return figures
