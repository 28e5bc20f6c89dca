"""Browser pages of the committees app (mounted at /settings/)."""

from django.urls import path

from committees import views

app_name = "committees"
urlpatterns = [
    path("rules/", views.rules_list, name="rules"),
    path("rules/default/", views.rule_edit, name="rule_default"),
    path("rules/session/<int:session_id>/", views.rule_edit, name="rule_session"),
    path("calendar/", views.calendar, name="calendar"),
]
