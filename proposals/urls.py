"""Browser pages for proposals."""

from django.urls import path

from proposals import downloads, views

app_name = "proposals"
urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("new/", views.proposal_create, name="create"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("similar/", views.similar_fragment, name="similar"),
    path("merge-suggestions/", views.merge_suggestions, name="merge_suggestions"),
    path("merge-suggestions/dismiss/", views.dismiss_merge, name="dismiss_merge"),
    path("<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("<int:pk>/autosave/", views.proposal_autosave, name="autosave"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attach"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("attachments/<int:pk>/", downloads.attachment_download, name="attachment"),
    path("replies/<int:pk>/letter/", downloads.reply_letter_download, name="reply_letter"),
    path("<int:pk>/act/<str:name>/", views.proposal_act, name="act"),
    path("assignments/", views.assignment_inbox, name="inbox"),
    path("assignments/<int:pk>/act/<str:name>/", views.assignment_act, name="assignment_act"),
    path("overdue/", views.overdue_board, name="overdue"),
    path("key/", views.supervision_list, name="supervision"),
    path("reassignment-requests/", views.reassignment_requests, name="requests"),
    path("reassignment-requests/<int:pk>/decide/", views.decide_request, name="decide"),
    path("notifications/", views.notifications, name="notifications"),
    path("reminders/", views.reminders, name="reminders"),
]
