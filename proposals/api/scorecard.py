"""``GET /api/v1/scorecard/``: the unit scorecard (考核评价) for assessment systems.

Definitions in ``proposals/reports/scorecard.py``; the same query, scope, defaults (the
previous calendar year) and figures as ``/reports/units/`` and its Excel download.
"""

from __future__ import annotations

import dataclasses

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from proposals.reports.report_views import scorecard_for


class ClassShareSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class UnitScoreSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    committee = serializers.CharField()
    assigned = serializers.IntegerField(help_text=_("交办（含已调整出的）"))
    lead = serializers.IntegerField(help_text=_("其中作为主办或分办单位（需答复）"))
    co = serializers.IntegerField(help_text=_("其中作为会办单位（提交会办意见，不答复）"))
    opinions = serializers.IntegerField(help_text=_("已提交会办意见的会办交办"))
    accepted = serializers.IntegerField(help_text=_("签收"))
    rerouted = serializers.IntegerField(help_text=_("调整出"))
    replied = serializers.IntegerField(help_text=_("已答复（主办/分办）"))
    replied_on_time = serializers.IntegerField(help_text=_("按时答复"))
    on_time_rate = serializers.FloatField(allow_null=True, help_text=_("按时答复率（%）"))
    overdue = serializers.IntegerField(help_text=_("超期未办"))
    median_workdays = serializers.FloatField(
        allow_null=True, help_text=_("交办到首次答复的工作日中位数")
    )
    letters = serializers.IntegerField(help_text=_("最新一轮答复函件数（分类占比的分母）"))
    classes = ClassShareSerializer(many=True, help_text=_("答复分类 A/B/C 的件数与占比"))
    feedback = serializers.IntegerField(help_text=_("反馈件数"))
    communication_satisfied = serializers.FloatField(
        allow_null=True, help_text=_("沟通满意率（满意+基本满意，%）")
    )
    result_satisfied = serializers.FloatField(allow_null=True, help_text=_("结果满意率（%）"))
    rehandled = serializers.IntegerField(help_text=_("重新办理"))


class ScorecardView(APIView):
    @extend_schema(
        summary="承办单位考核评价 · unit scorecard",
        description=(
            "One row per handling unit with assignments in the period (a unit's own users "
            "get their unit's row). Without year or session: the latest year in which the "
            "committee received proposals. "
            "`sort` is a column key, `-` for descending."
        ),
        parameters=[
            OpenApiParameter("year", int, description="提交年份"),
            OpenApiParameter("session", int, description="会次 id"),
            OpenApiParameter("committee", int, description="政协 id（须在本人统计范围内）"),
            OpenApiParameter("sort", str, description="排序列，如 -on_time_rate"),
        ],
        responses={200: UnitScoreSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        form, _sort, scores = scorecard_for(request)
        if scores is None:
            errors = {
                ("non_field_errors" if field == "__all__" else field): messages
                for field, messages in form.errors.items()
            }
            raise ValidationError(errors)
        rows = [dataclasses.asdict(score) for score in scores]
        return Response(UnitScoreSerializer(rows, many=True).data)


urlpatterns = [path("scorecard/", ScorecardView.as_view(), name="scorecard")]
