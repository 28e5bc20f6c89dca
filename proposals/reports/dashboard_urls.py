"""The statistics dashboard: ``/statistics/``."""

from django.urls import path

from proposals.reports.dashboard import views as dashboard_views

app_name = "dashboard"
urlpatterns = [
    path("", dashboard_views.dashboard, name="index"),
    path("units/", dashboard_views.units, name="units"),
    path("screen/", dashboard_views.screen, name="screen"),
]
