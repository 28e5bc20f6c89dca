"""Browser pages of the members app (mounted at /people/)."""

from django.urls import path

from members import saved_filters, views

app_name = "members"
urlpatterns = [
    path("import/", views.import_accounts, name="import"),
    path("import/confirm/", views.confirm_import, name="import_confirm"),
    path("import/cancel/", views.cancel_import, name="import_cancel"),
    path("import/template/<str:kind>/", views.import_template, name="import_template"),
    path("filters/", saved_filters.save, name="save_filter"),
    path("filters/<int:pk>/delete/", saved_filters.delete, name="delete_filter"),
]
