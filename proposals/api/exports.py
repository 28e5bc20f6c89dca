"""Exports over the API: the same jobs as the export pages (``proposals.exports.jobs``).

A client POSTs what it wants — a kind and the list's own filter parameters — gets 202
with the job, polls it, and downloads the file when it is done. Every export is a job
here, whatever its size, so clients see one flow.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cppcc.api.renderers import DOWNLOAD_RENDERERS
from cppcc.files import private_file_response
from proposals.exports import jobs
from proposals.exports.sources import ExportParamsError
from proposals.models import ExportJob

MAX_PARAMS = 40
MAX_VALUES = 200
MAX_VALUE_LENGTH = 200


class TooManyExports(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "too_many_exports"


class ExportJobSerializer(serializers.ModelSerializer):
    """One export job (导出任务): its progress and, once done, where to download it."""

    kind = serializers.ChoiceField(
        choices=sorted(jobs.EXPORTS),
        help_text="proposals（提案列表 .xlsx）、assignments（交办列表 .xlsx）、"
        "compilation（提案汇编 .docx，仅工作人员）",
    )
    params = serializers.DictField(
        required=False,
        default=dict,
        help_text="筛选条件，与列表页及 /api/v1/proposals/ 的查询参数相同，"
        '如 {"state": ["assigned"], "year": "2023"}；汇编须给 {"session": "<会次 id>"}',
    )
    percent = serializers.IntegerField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "kind",
            "params",
            "status",
            "done",
            "total",
            "percent",
            "filename",
            "error",
            "created_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = [f for f in fields if f not in ("kind", "params")]

    def get_download_url(self, job: ExportJob) -> str | None:
        if job.status != ExportJob.Status.DONE:
            return None
        url = reverse("export-download", args=[job.pk])
        return self.context["request"].build_absolute_uri(url)

    def validate_params(self, value: dict) -> dict[str, list[str]]:
        """Query-string shape: every value a string or a list of strings (numbers are
        taken as their text), within sizes no real filter needs."""
        if len(value) > MAX_PARAMS:
            raise ValidationError(_("筛选条件过多。"))
        params: dict[str, list[str]] = {}
        for key, raw in value.items():
            values = raw if isinstance(raw, list) else [raw]
            if len(values) > MAX_VALUES or not all(
                isinstance(v, (str, int)) and not isinstance(v, bool) for v in values
            ):
                raise ValidationError(_("“{key}”的值须为字符串或字符串列表。").format(key=key))
            texts = [str(v) for v in values]
            if any(len(t) > MAX_VALUE_LENGTH or "\x00" in t for t in texts):
                raise ValidationError(_("“{key}”的值无效。").format(key=key))
            params[str(key)] = texts
        return params


@extend_schema_view(
    list=extend_schema(summary="导出任务 · the caller's export jobs, newest first"),
    retrieve=extend_schema(summary="导出任务详情 · a job's progress"),
    create=extend_schema(
        summary="新建导出 · start an export job (202; poll it, then download)",
        responses={202: ExportJobSerializer},
    ),
)
class ExportJobViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Export jobs belong to the user who started them; nobody else sees them."""

    serializer_class = ExportJobSerializer
    queryset = ExportJob.objects.none()  # for the schema generator
    ordering = ["-created_at", "-id"]
    ordering_fields = ["id", "created_at"]

    def get_queryset(self):
        return ExportJob.objects.filter(user=self.request.user)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            job = jobs.start_export(request.user, data["kind"], data["params"])
        except jobs.ExportLimitReached as exc:
            raise TooManyExports(" ".join(exc.errors["__all__"])) from None
        except ExportParamsError as exc:
            raise ValidationError(exc.errors) from None
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="下载导出文件 · the finished file (404 until done)",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=DOWNLOAD_RENDERERS,
    )
    def download(self, request: Request, pk: str | None = None) -> HttpResponse:
        return private_file_response(*jobs.finished_file(self.get_object()))
