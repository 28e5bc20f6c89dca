"""Pages of 优秀提案评选, included at /awards/."""

from django.urls import path

from proposals.awards import views

app_name = "awards"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.round_create, name="create"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/edit/", views.round_edit, name="edit"),
    path("<int:pk>/nominate/", views.nominate, name="nominate"),
    path("<int:pk>/nominations/<int:nomination_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/open-scoring/", views.open_scoring, name="open_scoring"),
    path("<int:pk>/nominations/<int:nomination_id>/score/", views.score, name="score"),
    path("<int:pk>/select/", views.select, name="select"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/published/", views.published, name="published"),
]
