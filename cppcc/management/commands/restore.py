"""``manage.py restore /backups/cppcc-backup-…``: into the empty database of
``DATABASE_URL`` and the empty ``MEDIA_ROOT``, each file and table checked against the
backup's manifest (see ``cppcc.backup`` and docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cppcc import backup


class Command(BaseCommand):
    help = "从备份恢复到空数据库与空文件目录，并按校验清单核对"

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path, help="backup 命令写出的备份文件夹")
        parser.add_argument(
            "--check-only", action="store_true", help="只核对备份文件与清单，不恢复"
        )

    def handle(self, *args, folder: Path, check_only: bool, **options) -> None:
        try:
            if check_only:
                manifest = backup.verify(folder)
                self.stdout.write(f"备份完好：{len(manifest['files'])} 个文件与清单一致。")
                return
            manifest = backup.restore(folder)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(count for count, _fingerprint in manifest["tables"].values())
        self.stdout.write(
            f"恢复完成：{len(manifest['tables'])} 张表 {rows} 行、"
            f"{len(manifest['files']) - 1} 个上传文件，均与备份清单一致。"
            "如代码比备份新，请接着运行 manage.py migrate。"
        )
