"""What management commands share."""

from __future__ import annotations

import datetime

from django.core.management.base import CommandError


def parse_day(value: str | datetime.date | None) -> datetime.date | None:
    """``--today``: a date from the command line (a string) or from ``call_command``
    (either); None when not given; a Chinese CLI error when it is not YYYY-MM-DD."""
    if not value or isinstance(value, datetime.date):
        return value or None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today 应为 YYYY-MM-DD 格式的日期，收到的是 {value!r}。") from exc
