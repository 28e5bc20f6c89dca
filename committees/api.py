"""Read-only reference data for API clients: committees, units, organizations, sectors
and sessions, each limited to the caller's committees. Included at /api/v1/."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.routers import SimpleRouter

from committees import serializers as s
from committees.models import Committee, HandlingUnit, Organization, Sector, Session
from committees.scoping import restrict_to_committees, statistics_committee_ids
from cppcc.pinyin import matching_initials


class SearchFilterSet(django_filters.FilterSet):
    """``?q=`` matches any of ``search_fields`` (case-insensitive substring), or the
    pinyin initials of the name."""

    search_fields: tuple[str, ...] = ("name",)
    q = django_filters.CharFilter(method="search", label=_("关键词"))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        condition = matching_initials(queryset, value)  # 市发改委 as "sfg"
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class UnitFilterSet(SearchFilterSet):
    search_fields = ("name", "code")

    class Meta:
        model = HandlingUnit
        fields = ["q", "kind", "is_active"]


class OrganizationFilterSet(SearchFilterSet):
    class Meta:
        model = Organization
        fields = ["q", "kind", "sector", "is_active"]


class SectorFilterSet(SearchFilterSet):
    search_fields = ("name", "code")

    class Meta:
        model = Sector
        fields = ["q"]


class CommitteeScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """Rows of the caller's committees only; another committee's row is a 404."""

    model: type = None

    def get_queryset(self) -> QuerySet:
        return restrict_to_committees(self.model.objects.all(), self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="政协列表 · the caller's committee (staff, admins and supervisors "
        "also see its county committees)"
    ),
    retrieve=extend_schema(summary="政协详情 · one committee"),
)
class CommitteeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.CommitteeSerializer
    filterset_fields = ["level", "parent"]
    ordering_fields = ["id", "code", "name"]
    ordering = ["level", "code", "id"]

    def get_queryset(self) -> QuerySet[Committee]:
        ids = statistics_committee_ids(self.request.user)
        queryset = Committee.objects.all()
        return queryset if ids is None else queryset.filter(pk__in=ids)


@extend_schema_view(
    list=extend_schema(summary="承办单位列表 · handling units (filter kind, q)"),
    retrieve=extend_schema(summary="承办单位详情 · one handling unit"),
)
class HandlingUnitViewSet(CommitteeScopedViewSet):
    model = HandlingUnit
    serializer_class = s.HandlingUnitSerializer
    filterset_class = UnitFilterSet
    ordering_fields = ["id", "code", "name"]
    ordering = ["committee", "code", "id"]


@extend_schema_view(
    list=extend_schema(summary="集体提案单位列表 · collective proposers"),
    retrieve=extend_schema(summary="集体提案单位详情 · one collective proposer"),
)
class OrganizationViewSet(CommitteeScopedViewSet):
    model = Organization
    serializer_class = s.OrganizationSerializer
    filterset_class = OrganizationFilterSet
    ordering_fields = ["id", "name", "kind"]
    ordering = ["committee", "kind", "name", "id"]


@extend_schema_view(
    list=extend_schema(summary="界别列表 · sectors"),
    retrieve=extend_schema(summary="界别详情 · one sector"),
)
class SectorViewSet(CommitteeScopedViewSet):
    model = Sector
    serializer_class = s.SectorSerializer
    filterset_class = SectorFilterSet
    ordering_fields = ["id", "code", "name"]
    ordering = ["committee", "code", "id"]


@extend_schema_view(
    list=extend_schema(summary="会次列表 · sessions, newest first"),
    retrieve=extend_schema(summary="会次详情 · one session"),
)
class SessionViewSet(CommitteeScopedViewSet):
    model = Session
    serializer_class = s.SessionSerializer
    filterset_fields = ["term"]
    ordering_fields = ["id", "term", "meeting", "plenary_start"]
    ordering = ["-plenary_start", "-id"]


router = SimpleRouter()
router.register("committees", CommitteeViewSet, basename="committee")
router.register("units", HandlingUnitViewSet, basename="unit")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("sectors", SectorViewSet, basename="sector")
router.register("sessions", SessionViewSet, basename="session")

urlpatterns = router.urls
