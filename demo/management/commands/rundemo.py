"""``manage.py rundemo``: one command from an empty checkout to a running demo.

Migrates, seeds the demo world if the database has no committee yet, sends the
day's reminders (``send_reminders``), prints the address and the demo logins, then
serves on 127.0.0.1:8000. The server runs without
the auto-reloader (a reloader would run this whole command again in a child process);
static files are collected first and served by WhiteNoise, as in production.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from demo.logins import login_table
from demo.world import world_exists

ADDRESS = "127.0.0.1:8000"


class Command(BaseCommand):
    help = "迁移数据库、生成演示数据（若尚无数据）并启动演示服务器 http://127.0.0.1:8000"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-server", action="store_true", help="生成数据后退出，不启动服务器")
        parser.add_argument("--seed", type=int, default=2023, help="随机种子（默认 2023）")
        parser.add_argument("--today", default=None, help="演示中的“今天”（YYYY-MM-DD）")

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        if world_exists():
            self.stdout.write("数据库中已有政协数据，跳过生成演示数据。")
            logins = login_table()
        else:
            call_command(
                "seed_demo", seed=options["seed"], today=options["today"], stdout=self.stdout
            )
            logins = []  # seed_demo has just printed them
        # What beat would do this morning: the day's deadline reminders, in-process.
        self.stdout.write("")
        self.stdout.write("催办提醒（生产环境由 Celery beat 每个工作日自动发送）：")
        call_command("send_reminders", today=options["today"], stdout=self.stdout)
        self.stdout.write("")
        self.stdout.write(f"演示地址：http://{ADDRESS}/")
        for line in logins:
            self.stdout.write(line)
        if options["no_server"]:
            return
        # Static files as in production: hashed and compressed, served by WhiteNoise.
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("runserver", ADDRESS, use_reloader=False)
