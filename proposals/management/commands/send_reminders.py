"""``manage.py send_reminders [--today YYYY-MM-DD]``: the daily sweep, in this process.

What beat and the worker do in production, for a machine without Redis (the SQLite
demo) or for catching up by hand: record today's reminders and deliver them now.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from cppcc.cli import parse_day
from proposals.models import Reminder
from proposals.reminders.delivery import deliver_many
from proposals.reminders.sweep import sweep


class Command(BaseCommand):
    help = "检查所有未完成的期限，生成并发送今天应发的催办提醒（不需要 Redis）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", default=None, help="按这一天计算（YYYY-MM-DD，默认今天）")
        parser.add_argument("--show", type=int, default=5, help="列出前几条提醒（默认 5）")

    def handle(self, *args: Any, **options: Any) -> None:
        today = parse_day(options["today"])
        outcomes: dict[str, int] = {}

        def deliver_now(ids: list[int]) -> None:
            for outcome, count in deliver_many(ids).items():
                outcomes[outcome] = outcomes.get(outcome, 0) + count

        started = timezone.now()
        result = sweep(today, dispatch=deliver_now)
        if result.days_off and not result.recorded and not result.dispatched:
            self.stdout.write(f"{result.today} 是休息日，不发送提醒。")
            return
        self.stdout.write(
            f"{result.today}：检查 {result.scanned} 项期限和联名邀请，"
            f"新增提醒 {result.recorded} 条，本次送达 {outcomes.get('sent', 0)} 条"
            + (f"，待重试 {outcomes['retry']} 条" if outcomes.get("retry") else "")
            + (f"，发送失败 {outcomes['failed']} 条" if outcomes.get("failed") else "")
            + "。"
        )
        latest = Reminder.objects.filter(created_at__gte=started).select_related("user")
        for reminder in latest.order_by("pk")[: options["show"]]:
            self.stdout.write(f"  → {reminder.user.display_name}：{reminder.message}")
