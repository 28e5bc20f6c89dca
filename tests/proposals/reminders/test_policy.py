"""The policy: defaults as the issue states them, overrides validated at start-up."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from proposals.models import Reminder
from proposals.reminders.policy import ReminderPolicy, current_policy
from tests import flows
from tests.proposals.reminders.helpers import run


def test_defaults():
    reply = ReminderPolicy().reply
    assert reply.before == (15, 7, 3, 1) and reply.on_due_day and reply.overdue_every == 5
    assert [reply.threshold(n) for n in (15, 14, 1, 0, -4, -5, -10)] == [
        ("before:15", 15),
        None,
        ("before:1", 1),
        ("due", 0),
        None,
        ("overdue:5", -5),
        ("overdue:10", -10),
    ]
    assert reply.audiences(3, is_key=True) == ["handler"]
    assert reply.audiences(0, is_key=True) == ["handler", "supervisors"]
    assert reply.audiences(-5, is_key=False) == ["handler", "leader"]
    assert reply.audiences(-10, is_key=False) == ["handler", "leader", "staff"]


@pytest.mark.parametrize(
    "bad",
    [
        {"reply": {"before": [0, 3]}},
        {"reply": {"ladder": [{"audience": "mayor"}]}},
        {"catch_up_workdays": -1},
        {"cosign": {"every": 0}},
        {"holidays": True},
    ],
)
def test_a_bad_override_fails_loudly(bad):
    with pytest.raises(ImproperlyConfigured, match="REMINDER_POLICY"):
        ReminderPolicy.from_dict(bad)


@pytest.mark.django_db
def test_an_override_in_settings_changes_the_thresholds(world, settings):
    settings.REMINDER_POLICY = {"reply": {"before": [10]}}
    assert current_policy().reply.before == (10,)
    flows.assigned(world, with_co=False)
    reply = Reminder.objects.filter(kind="reply")
    run(datetime.date(2025, 5, 26))  # 10 working days before 10 June (Dragon Boat skipped)
    assert list(reply.values_list("threshold", flat=True)) == ["before:10"]
    run(datetime.date(2025, 6, 3))  # 5 before: was a default, not any more
    assert reply.count() == 1
