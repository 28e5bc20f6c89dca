"""Exports: Excel lists, Word documents, compilations and background jobs."""

from django.urls import path

from proposals.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.index, name="index"),
    path("proposals.xlsx", views.proposals_xlsx, name="proposals_xlsx"),
    path("assignments.xlsx", views.assignments_xlsx, name="assignments_xlsx"),
    path("proposals/<int:pk>.docx", views.proposal_docx, name="proposal_docx"),
    path("replies/<int:pk>.docx", views.reply_docx, name="reply_docx"),
    path("sessions/<int:pk>/compilation/", views.compilation, name="compilation"),
    path("jobs/<int:pk>/", views.job_page, name="job"),
    path("jobs/<int:pk>/status", views.job_status, name="job_status"),
    path("jobs/<int:pk>/download", views.download, name="download"),
]
