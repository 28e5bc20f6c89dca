from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cppcc.views import home, todo_count

# A lost database connection is a 503 with Retry-After, not a 500 (cppcc/outage.py).
handler500 = "cppcc.outage.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("todo-count/", todo_count, name="todo_count"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(success_url="/"),
        name="password_change",
    ),
    path("admin/", admin.site.urls),
    path("api/", include("cppcc.api.urls")),
    path("proposals/", include("proposals.urls")),
    path("people/", include("members.urls")),
    path("settings/", include("committees.urls")),
    path("statistics/", include("proposals.reports.dashboard_urls")),
    path("reports/", include("proposals.reports.report_urls")),
    path("exports/", include("proposals.exports.urls")),
    path("awards/", include("proposals.awards.urls")),
]
