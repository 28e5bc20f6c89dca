"""``manage.py train_text_model``: recount the term frequencies, rewrite every proposal's
terms and relearn the units' and categories' profiles (nightly by Celery beat too; run it
after a bulk import or after editing proposals/text/stopwords.txt)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from proposals.text import routing


class Command(BaseCommand):
    help = "重新训练相似提案与承办单位建议的文本模型（批量导入或修改停用词后运行）"

    def handle(self, *args, **options) -> None:
        indexed, learnt = routing.train()
        self.stdout.write(
            f"已为 {indexed} 件提案重建文本向量，学习了 {learnt} 个单位和类别特征词。"
        )
