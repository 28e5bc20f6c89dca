"""The annual report and the unit scorecard: pages and their Word / Excel downloads."""

from django.urls import path

from proposals.reports import report_views

app_name = "reports"
urlpatterns = [
    path("annual/", report_views.annual, name="annual"),
    path("annual.docx", report_views.annual_download, name="annual_docx"),
    path("units/", report_views.scorecard, name="scorecard"),
    path("units.xlsx", report_views.scorecard_download, name="scorecard_xlsx"),
]
