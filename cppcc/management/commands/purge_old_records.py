"""``manage.py purge_old_records [--dry-run]``: what beat's nightly purge does, on demand
(``cppcc.retention``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cppcc import retention


class Command(BaseCommand):
    help = "删除超过保留期限的通知、催办提醒、导出文件和登录记录（办理记录与提案永不删除）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只统计将删除的数量")

    def handle(self, *args, dry_run: bool, **options) -> None:
        verb = "将删除" if dry_run else "已删除"
        for line in retention.purge(dry_run=dry_run):
            kept = {None: "永久保留", 0: "过期即删除"}.get(line.days, f"保留 {line.days} 天")
            self.stdout.write(f"{line.kind.label}：{verb} {line.count} 条（{kept}）")
        self.stdout.write("办理记录（审计日志）与提案不在清理范围内。")
