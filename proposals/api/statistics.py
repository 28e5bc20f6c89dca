"""``GET /api/v1/statistics/``: aggregates of the proposals in the caller's statistics scope.

The view only validates parameters and picks the scope; the numbers come from
:mod:`proposals.statistics`, which the dashboard and the annual report share.
"""

from __future__ import annotations

import dataclasses

import django_filters
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cppcc.api.common import query
from proposals import statistics
from proposals.filters import ProposalFilterSet

# Parameters validated by StatisticsQuerySerializer; the filterset gets them validated.
OWN_PARAMS = ("year", "session", "committee")
MAX_ID = 2**63 - 1  # bigint: larger ids would overflow in the database, a 500


class StatisticsQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False, min_value=1949, max_value=2100, help_text=_("提交年份")
    )
    session = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("会次 id")
    )
    committee = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text=_("只统计一个政协（须在本人统计范围内，否则 404）"),
    )
    top_units = serializers.IntegerField(
        required=False, min_value=1, max_value=1000, help_text=_("只列出交办最多的前 N 个承办单位")
    )


class StatisticsShareSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text=_("百分比，两位小数"))


class StatisticsSplitSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    received = serializers.IntegerField()
    filed = serializers.IntegerField()
    filed_share = serializers.FloatField(allow_null=True, help_text=_("占立案总数的百分比"))


class StatisticsGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    received = serializers.IntegerField()
    filed = serializers.IntegerField()
    filing_rate = serializers.FloatField(allow_null=True)


class StatisticsUnitLoadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    assigned = serializers.IntegerField()
    replied = serializers.IntegerField()
    overdue = serializers.IntegerField()


class StatisticsRepliesSerializer(serializers.Serializer):
    replied = serializers.IntegerField(help_text=_("已答复的立案提案数"))
    on_time = serializers.IntegerField(help_text=_("主办/分办答复均未超过答复期限的提案数"))
    on_time_rate = serializers.FloatField(allow_null=True)
    classes = StatisticsShareSerializer(many=True)


class StatisticsSatisfactionSerializer(serializers.Serializer):
    responses = serializers.IntegerField(help_text=_("第一提案人最新一轮反馈数"))
    communication = StatisticsShareSerializer(many=True)
    result = StatisticsShareSerializer(many=True)


class StatisticsRoutingSerializer(serializers.Serializer):
    assigned = serializers.IntegerField(help_text=_("已交办的提案数"))
    rerouted = serializers.IntegerField(help_text=_("其中调整过承办单位的提案数"))
    rerouting_rate = serializers.FloatField(allow_null=True, help_text=_("调整率，百分比"))
    suggested = serializers.IntegerField(help_text=_("交办时记录了建议单位的提案数"))
    taken = serializers.IntegerField(help_text=_("其中主办单位为建议单位之一的提案数"))
    acceptance_rate = serializers.FloatField(allow_null=True, help_text=_("建议采纳率，百分比"))


class StatisticsSerializer(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True)
    session = serializers.IntegerField(allow_null=True)
    committee = serializers.IntegerField(allow_null=True)
    received = serializers.IntegerField(help_text=_("收到提案（已提交）"))
    filed = serializers.IntegerField(help_text=_("立案"))
    filing_rate = serializers.FloatField(allow_null=True, help_text=_("立案率，百分比"))
    forwarded = serializers.IntegerField(
        help_text=_("不予立案并转有关单位作为意见建议办理的提案数（转为意见建议）")
    )
    overdue = serializers.IntegerField(help_text=_("答复或会办意见已超期的提案数"))
    by_state = StatisticsShareSerializer(many=True)
    by_category = StatisticsSplitSerializer(many=True)
    by_source = StatisticsSplitSerializer(many=True)
    by_kind = StatisticsSplitSerializer(many=True)
    replies = StatisticsRepliesSerializer()
    satisfaction = StatisticsSatisfactionSerializer()
    routing = StatisticsRoutingSerializer(help_text=_("交办质量：调整率与建议单位采纳率"))
    units = StatisticsUnitLoadSerializer(many=True)
    sectors = StatisticsGroupSerializer(many=True)
    committees = StatisticsGroupSerializer(many=True)
    by_session = StatisticsGroupSerializer(many=True, help_text=_("按会次：收到与立案"))


def _filter_parameters() -> list[OpenApiParameter]:
    """The shared ProposalFilterSet's filters (other than ours) as query parameters."""
    params = []
    for name, f in ProposalFilterSet.base_filters.items():
        if name in OWN_PARAMS:
            continue
        many = isinstance(f, django_filters.MultipleChoiceFilter)
        kind = (
            OpenApiTypes.INT
            if isinstance(f, django_filters.NumberFilter)
            else OpenApiTypes.BOOL
            if isinstance(f, django_filters.BooleanFilter)
            else OpenApiTypes.STR
        )
        choices = f.extra.get("choices")
        params.append(
            OpenApiParameter(
                name,
                kind,
                OpenApiParameter.QUERY,
                description=str(f.label),
                many=many,
                enum=[value for value, _label in choices] if choices else None,
            )
        )
    return params


class StatisticsView(APIView):
    """Counts, rates and breakdowns; computed in the database, never per proposal."""

    @extend_schema(
        summary="提案统计 · proposal statistics (received, filed, replies, satisfaction)",
        description=(
            "按年份（提交年份）和/或会次统计；另可使用提案列表的全部筛选条件。"
            "工作人员、管理员和督办领导统计本政协（市级含所辖县区），"
            "其他用户只统计本人可见的提案。\n\n"
            "By year (of submission) and/or session; every proposal-list filter applies "
            "too. Staff, administrators and supervisors count their committee (a city "
            "committee with its counties; `committees` compares them); everybody else "
            "counts what they can see. Percentages are numbers with two decimals."
        ),
        parameters=[StatisticsQuerySerializer, *_filter_parameters()],
        responses={200: StatisticsSerializer},
    )
    def get(self, request: Request) -> Response:
        params = query(StatisticsQuerySerializer, request)
        try:
            proposals = statistics.scoped_proposals(request.user, params.get("committee"))
        except Http404 as exc:
            raise NotFound(str(exc)) from exc  # keep the message: the handler's is generic
        filters = request.query_params.copy()
        for name in OWN_PARAMS:
            if name in params:
                filters[name] = str(params[name])
        filterset = ProposalFilterSet(filters, queryset=proposals, request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        result = statistics.compute(filterset.qs, top_units=params.get("top_units"))
        data = {
            "year": params.get("year"),
            "session": params.get("session"),
            "committee": params.get("committee"),
            **dataclasses.asdict(result),
        }
        return Response(StatisticsSerializer(data).data)


urlpatterns = [path("statistics/", StatisticsView.as_view(), name="statistics")]
