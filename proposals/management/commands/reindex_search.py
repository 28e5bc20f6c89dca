"""``manage.py reindex_search``: rebuild every proposal's search document (after an
upgrade, after editing proposals/search_words.txt, or after bulk imports)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from committees.models import HandlingUnit
from proposals import search
from proposals.models import Proposal


class Command(BaseCommand):
    help = "重建全部提案的全文检索索引（升级后、修改检索词典后或批量导入后运行）"

    def handle(self, *args, **options) -> None:
        search.add_words(HandlingUnit.objects.values_list("name", flat=True))
        done = 0
        rows = Proposal.objects.select_related("proposer", "organization").order_by("pk")
        for proposal in rows.iterator(chunk_size=500):
            search.reindex(proposal)
            done += 1
        self.stdout.write(f"已重建 {done} 件提案的检索索引。")
