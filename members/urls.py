"""Browser pages of the members app (mounted at /people/)."""

from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("import/", views.import_accounts, name="import"),
    path("import/confirm/", views.confirm_import, name="import_confirm"),
    path("import/cancel/", views.cancel_import, name="import_cancel"),
    path("import/template/<str:kind>/", views.import_template, name="import_template"),
]
