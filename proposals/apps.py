from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from committees.signals import schedule_changed


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("提案")

    def ready(self) -> None:
        # Receivers use the models, which can be imported only once the apps are loaded.
        from proposals.receivers import recompute_due_dates

        schedule_changed.connect(recompute_due_dates, dispatch_uid="proposals.recompute_due_dates")
