from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from committees.signals import schedule_changed


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("提案")

    def ready(self) -> None:
        # Receivers use the models, which can be imported only once the apps are loaded.
        from django.db.models.signals import post_save

        from proposals.models import Proposal
        from proposals.receivers import keep_searchable, recompute_due_dates

        schedule_changed.connect(recompute_due_dates, dispatch_uid="proposals.recompute_due_dates")
        post_save.connect(keep_searchable, sender=Proposal, dispatch_uid="proposals.search")
