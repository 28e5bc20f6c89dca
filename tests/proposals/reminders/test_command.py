"""``manage.py send_reminders``: the sweep in-process, for the SQLite demo."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from proposals.models import Reminder
from tests import flows

pytestmark = pytest.mark.django_db


def send(*args: str) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_it_sweeps_and_delivers_in_process(world, mailoutbox):
    flows.assigned(world, with_co=False)
    output = send("--today", "2025-06-10")
    assert "新增提醒 1 条，本次送达 1 条" in output
    assert "答复期限为今天" in output
    assert Reminder.objects.get().status == "sent" and len(mailoutbox) == 1
    assert "新增提醒 0 条" in send("--today", "2025-06-10")


def test_a_day_off_says_so(world):
    flows.assigned(world)
    assert "休息日" in send("--today", "2025-10-03")
    assert not Reminder.objects.exists()


def test_a_bad_date_is_a_clear_error():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        send("--today", "2025-13-01")
