from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("政协组织与基础数据")

    def ready(self) -> None:
        from committees import reference  # noqa: F401  (connects the cache's invalidation)
