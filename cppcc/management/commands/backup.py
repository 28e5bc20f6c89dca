"""``manage.py backup /backups``: the database and the uploaded files, with a checksum
manifest (see ``cppcc.backup`` and docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cppcc import backup


class Command(BaseCommand):
    help = "备份数据库与上传文件（含校验清单）到指定目录下的新文件夹"

    def add_arguments(self, parser) -> None:
        parser.add_argument("destination", type=Path, help="备份存放目录，例如 /backups")

    def handle(self, *args, destination: Path, **options) -> None:
        try:
            folder = backup.create(destination)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = backup.verify(folder)
        rows = sum(count for count, _fingerprint in manifest["tables"].values())
        self.stdout.write(
            f"备份完成：{folder}（{len(manifest['tables'])} 张表 {rows} 行，"
            f"{len(manifest['files']) - 1} 个上传文件）"
        )
