"""The REST API: /api/v1/… plus the OpenAPI schema and docs served from local static."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from proposals.api.exports import ExportJobViewSet
from proposals.api.views import (
    AssignmentViewSet,
    NotificationViewSet,
    ProposalViewSet,
    ReassignmentRequestViewSet,
    ReminderViewSet,
)

router = DefaultRouter()
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register(
    "reassignment-requests", ReassignmentRequestViewSet, basename="reassignment-request"
)
router.register("notifications", NotificationViewSet, basename="notification")
router.register("reminders", ReminderViewSet, basename="reminder")
router.register("exports", ExportJobViewSet, basename="export")

urlpatterns = [
    path("v1/", include("members.api")),
    path("v1/", include("committees.api")),
    path("v1/", include("proposals.api.statistics")),
    path("v1/", include("proposals.api.scorecard")),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file, so the docs work under the strict CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
