"""``manage.py seed_demo``: build the Taiyuan demo world (see :mod:`demo.world`).

Refuses to touch a database that already holds committees unless ``--reset`` is
given, because the reset deletes every committee, proposal and committee user.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cppcc.cli import parse_day
from demo.figures import MIN_TODAY
from demo.logins import login_table
from demo.world import build_world, reset_world, world_exists
from proposals import search


class Command(BaseCommand):
    help = (
        "生成演示数据：太原市政协（2023年提案工作与年度报告数字一致，当前会次各环节的提案）"
        "及小店区、迎泽区政协。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2023, help="随机种子（默认 2023）")
        parser.add_argument(
            "--today",
            default=None,
            help="演示中的“今天”（YYYY-MM-DD，默认当天）；当前会次的提案按它安排日期",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="先删除库中全部政协、提案及其用户，再重新生成",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seed: int = options["seed"]
        today = parse_day(options["today"]) or timezone.localdate()
        if today < MIN_TODAY:
            raise CommandError(
                f"--today 不能早于 {MIN_TODAY.isoformat()}：当前会次的演示提案须晚于2023年的数据。"
            )
        if world_exists():
            if not options["reset"]:
                raise CommandError(
                    "数据库中已有政协数据，未生成演示数据。"
                    "如需重建（将删除全部政协、提案及其用户），请加 --reset。"
                )
            reset_world()
            self.stdout.write("已删除原有政协、提案及相关用户。")
        summary = build_world(seed=seed, today=today)
        if search.on_postgresql():  # the history is written in bulk, around the services
            call_command("reindex_search", stdout=self.stdout)
        call_command("train_text_model", stdout=self.stdout)
        for line in summary.lines:
            self.stdout.write(line)
        self.stdout.write(f"用时 {summary.seconds:.1f} 秒")
        for line in login_table():
            self.stdout.write(line)
