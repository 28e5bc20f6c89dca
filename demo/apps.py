from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Only for its commands (``seed_demo``, ``rundemo``): the demo has no models."""

    name = "demo"
    verbose_name = _("演示数据")
