"""Sessions: names, and which session's period a date belongs to."""

import datetime

from committees.models import Session, chinese_number
from tests.factories import CommitteeFactory, SessionFactory


def test_session_names_are_written_in_chinese_numerals():
    assert [chinese_number(n) for n in (1, 10, 14, 20, 21)] == [
        "一",
        "十",
        "十四",
        "二十",
        "二十一",
    ]
    assert Session(term=14, meeting=2).name == "十四届二次会议"


def test_dates_between_plenaries_belong_to_the_session_before(db):
    committee = CommitteeFactory()
    first = SessionFactory(
        committee=committee,
        meeting=1,
        plenary_start=datetime.date(2022, 1, 5),
        plenary_end=datetime.date(2022, 1, 8),
    )
    second = SessionFactory(
        committee=committee,
        meeting=2,
        plenary_start=datetime.date(2023, 1, 10),
        plenary_end=datetime.date(2023, 1, 13),
    )
    for_date = Session.objects.for_date
    assert for_date(committee, datetime.date(2021, 12, 31)) is None
    assert for_date(committee, datetime.date(2022, 6, 1)) == first
    assert for_date(committee, datetime.date(2023, 1, 9)) == first
    assert for_date(committee, datetime.date(2023, 1, 10)) == second
    assert for_date(committee, datetime.date(2023, 11, 1)) == second
    assert second.is_plenary(datetime.date(2023, 1, 13))
    assert not second.is_plenary(datetime.date(2023, 1, 14))
    other = CommitteeFactory()
    assert for_date(other, datetime.date(2023, 11, 1)) is None
