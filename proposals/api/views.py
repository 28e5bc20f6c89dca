"""API views. They validate the body, call one service function, and return the fresh
representation; rules live in ``proposals.workflow`` and ``proposals.services``."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from committees.models import Organization
from cppcc.api.common import body, query
from cppcc.api.renderers import DOWNLOAD_RENDERERS
from cppcc.errors import InvalidTransition
from members.capabilities import Capability, may
from proposals import downloads, queries, search, workflow
from proposals.api import serializers as s
from proposals.domain import groups
from proposals.filters import AssignmentFilterSet, ProposalFilterSet, ReminderFilterSet
from proposals.history import timeline
from proposals.models import Notification, Proposal, ReassignmentRequest, Reminder
from proposals.services import drafting, feedback, handling, review, supervision
from proposals.text import routing
from proposals.text import similar as text_similar


def if_match_version(request: Request) -> int | None:
    """The version an ``If-Match: "<version>"`` header names, if any."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    value = header.removeprefix("W/").strip('"')
    if not value.isdigit():
        raise ValidationError({"If-Match": [_("If-Match 须为读取时得到的 ETag。")]})
    return int(value)


def etag(proposal: Proposal) -> str:
    return f'"{proposal.version}"'


def _transition(name: str, serializer=None, summary: str = ""):
    """Schema for a proposal action: its body, and the proposal it returns."""
    return extend_schema(
        summary=summary or f"{workflow.BY_NAME[name].label} · {name.replace('_', ' ')}",
        request=serializer or s.EmptySerializer,
        responses={200: s.ProposalDetailSerializer},
    )


@extend_schema_view(
    list=extend_schema(summary="提案列表 · list proposals the caller may see"),
    retrieve=extend_schema(summary="提案详情 · one proposal (ETag = version)"),
    create=extend_schema(
        summary="撰写草稿 · create a draft",
        request=s.ProposalWriteSerializer,
        responses={201: s.ProposalDetailSerializer},
    ),
    partial_update=extend_schema(
        summary="修改草稿 · edit a draft or returned proposal (If-Match)",
        request=s.ProposalPatchSerializer,
        responses={200: s.ProposalDetailSerializer},
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)],
    ),
    destroy=extend_schema(summary="删除草稿 · discard a draft (kept as withdrawn)"),
)
class ProposalViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    filterset_class = ProposalFilterSet
    ordering_fields = ["id", "number", "submitted_at", "filed_at", "title", "state"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @property
    def ordering(self) -> list[str]:
        """Newest first; with ``q``, the most relevant first (``proposals.search``)."""
        request = getattr(self, "request", None)
        text = request.query_params.get("q") if request is not None else None
        return ["-search_rank", "-id"] if search.ranked(text) else ["-id"]

    def get_queryset(self) -> QuerySet[Proposal]:
        if self.action == "list":
            return queries.proposal_list(self.request.user)
        if self.action == "retrieve":
            return queries.proposal_detail(self.request.user)
        # Actions only need to know the caller may see the proposal (404 otherwise):
        # the service locks and reads it again, and ``_fresh`` answers with the detail.
        return Proposal.objects.visible_to(self.request.user)

    def get_serializer_class(self):
        return s.ProposalSerializer if self.action == "list" else s.ProposalDetailSerializer

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        queries.prepare_rows(page if page is not None else queryset)
        return page

    def _fresh(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        proposal = queries.proposal_detail(self.request.user).get(pk=pk)
        data = s.ProposalDetailSerializer(proposal, context=self.get_serializer_context()).data
        return Response(data, status=code, headers={"ETag": etag(proposal)})

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        proposal = self.get_object()
        data = s.ProposalDetailSerializer(proposal, context=self.get_serializer_context()).data
        return Response(data, headers={"ETag": etag(proposal)})

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = body(s.ProposalWriteSerializer, request)
        cosigners = data.pop("cosigners", [])
        organization_id = data.pop("organization", None)
        organization = None
        if organization_id is not None:
            organization = Organization.objects.filter(pk=organization_id).first()
            if organization is None:
                raise ValidationError({"organization": [_("集体提案单位不存在。")]})
        proposal = drafting.create_draft(
            request.user, data, cosigners=cosigners, organization=organization
        )
        return self._fresh(proposal.pk, status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        if not kwargs.get("partial"):
            return Response(
                {"detail": _("请使用 PATCH 修改。"), "code": "method_not_allowed"},
                status=status.HTTP_405_METHOD_NOT_ALLOWED,
            )
        proposal = self.get_object()
        data = body(s.ProposalPatchSerializer, request)
        cosigners = data.pop("cosigners", None)
        drafting.update_draft(
            request.user,
            proposal.pk,
            data,
            cosigners=cosigners,
            expected_version=if_match_version(request),
        )
        return self._fresh(proposal.pk)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        proposal = self.get_object()
        if proposal.state not in groups.EDITABLE:
            raise InvalidTransition(_("只能删除草稿或退回修改的提案。"))
        workflow.check(request.user, "edit", proposal)
        drafting.withdraw(request.user, proposal.pk, reason=_("提案人删除草稿"))
        return Response(status=status.HTTP_204_NO_CONTENT)

    # ---- attachments ------------------------------------------------------------------

    @extend_schema(
        summary="上传附件 · attach a file to a draft or returned proposal (multipart)",
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request: Request, pk=None) -> Response:
        proposal = self.get_object()
        workflow.check(request.user, "edit", proposal)  # before reading the upload
        attachment = drafting.add_attachment(
            request.user, proposal.pk, body(s.AttachmentUploadSerializer, request)["file"]
        )
        data = s.AttachmentSerializer(attachment, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="下载附件 · the attachment's file",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="删除附件 · remove an attachment of a draft or returned proposal",
        responses={204: None},
    )
    @action(
        detail=True,
        methods=["get", "delete"],
        url_path=r"attachments/(?P<attachment_id>[0-9]+)",
        url_name="attachment",
        renderer_classes=DOWNLOAD_RENDERERS,
        filterset_class=None,
        pagination_class=None,
    )
    def attachment(self, request: Request, pk=None, attachment_id=None) -> HttpResponse:
        found = downloads.visible_attachment(request.user, attachment_id, pk)
        if request.method == "GET":
            return downloads.attachment_response(found)
        drafting.remove_attachment(request.user, found.proposal_id, found.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # ---- transitions ------------------------------------------------------------------

    @_transition("submit")
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk=None) -> Response:
        drafting.submit(request.user, self.get_object().pk)
        return self._fresh(pk)

    @_transition("withdraw", s.WithdrawSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk=None) -> Response:
        drafting.withdraw(request.user, self.get_object().pk, **body(s.WithdrawSerializer, request))
        return self._fresh(pk)

    @_transition("cosign")
    @action(detail=True, methods=["post"])
    def cosign(self, request: Request, pk=None) -> Response:
        drafting.cosign(request.user, self.get_object().pk)
        return self._fresh(pk)

    @_transition("decline_cosign")
    @action(detail=True, methods=["post"], url_path="decline-cosign")
    def decline_cosign(self, request: Request, pk=None) -> Response:
        drafting.decline_cosign(request.user, self.get_object().pk)
        return self._fresh(pk)

    @_transition("remove_cosigner", s.RemoveCosignerSerializer)
    @action(detail=True, methods=["post"], url_path="remove-cosigner")
    def remove_cosigner(self, request: Request, pk=None) -> Response:
        proposal = self.get_object()
        data = body(s.RemoveCosignerSerializer, request)
        drafting.remove_cosigner(request.user, proposal.pk, data["member"])
        return self._fresh(pk)

    @_transition("review", s.ReviewActionSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk=None) -> Response:
        review.review(request.user, self.get_object().pk, **body(s.ReviewActionSerializer, request))
        return self._fresh(pk)

    @_transition("file")
    @action(detail=True, methods=["post"])
    def file(self, request: Request, pk=None) -> Response:
        review.file(request.user, self.get_object().pk)
        return self._fresh(pk)

    @_transition("merge", s.MergeSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk=None) -> Response:
        proposal = self.get_object()  # 404 before anything about the body
        data = body(s.MergeSerializer, request)
        target = self.get_queryset().filter(pk=data["into"]).first()
        if target is None:
            raise ValidationError({"into": [_("主提案不存在。")]})
        review.merge(request.user, proposal.pk, into=target.pk, comment=data["comment"])
        return self._fresh(pk)

    @extend_schema(
        summary="转交 · transfer to another committee (returns the new proposal)",
        request=s.TransferSerializer,
        responses={201: s.ProposalDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk=None) -> Response:
        proposal = self.get_object()
        data = body(s.TransferSerializer, request)
        copy = review.transfer(request.user, proposal.pk, data["committee"], data["reason"])
        # The receiving committee's proposal is not the caller's to read; report the link.
        return Response(
            {"id": copy.pk, "committee": copy.committee_id, "transferred_from": int(pk)},
            status=status.HTTP_201_CREATED,
        )

    @_transition("assign", s.AssignSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk=None) -> Response:
        handling.assign(request.user, self.get_object().pk, **body(s.AssignSerializer, request))
        return self._fresh(pk)

    @_transition("extend", s.ExtendSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk=None) -> Response:
        handling.extend(request.user, self.get_object().pk, **body(s.ExtendSerializer, request))
        return self._fresh(pk)

    @_transition("feedback", s.FeedbackActionSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request: Request, pk=None) -> Response:
        proposal = self.get_object()
        data = body(s.FeedbackActionSerializer, request)
        feedback.give_feedback(request.user, proposal.pk, **data)
        return self._fresh(pk)

    @_transition("close")
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        feedback.close(request.user, self.get_object().pk)
        return self._fresh(pk)

    @_transition("mark_key", s.MarkKeySerializer)
    @action(detail=True, methods=["post"], url_path="mark-key")
    def mark_key(self, request: Request, pk=None) -> Response:
        proposal = self.get_object()
        data = body(s.MarkKeySerializer, request)
        supervision.mark_key(request.user, proposal.pk, data["supervisors"])
        return self._fresh(pk)

    @_transition("supervise", s.SuperviseSerializer)
    @action(detail=True, methods=["post"])
    def supervise(self, request: Request, pk=None) -> Response:
        proposal = self.get_object()
        data = body(s.SuperviseSerializer, request)
        supervision.supervise(request.user, proposal.pk, **data)
        return self._fresh(pk)

    @extend_schema(
        summary="相似提案 · proposals like a text being written",
        operation_id="v1_proposals_similar_to_text",
        parameters=[s.SimilarQuerySerializer],
        responses=s.SimilarProposalSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def similar(self, request: Request) -> Response:
        data = query(s.SimilarQuerySerializer, request)
        exclude = [data["exclude"]] if data.get("exclude") else []
        found = text_similar.for_text(request.user, data["text"], exclude=exclude)
        return Response(s.SimilarProposalSerializer(found, many=True).data)

    @extend_schema(
        summary="相似提案 · proposals like this one",
        operation_id="v1_proposals_similar_to_proposal",
        responses=s.SimilarProposalSerializer(many=True),
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="similar",
        url_name="similar-to",
        pagination_class=None,
        filterset_class=None,
    )
    def similar_to(self, request: Request, pk=None) -> Response:
        found = text_similar.for_proposal(request.user, self.get_object())
        return Response(s.SimilarProposalSerializer(found, many=True).data)

    @extend_schema(
        summary="建议承办单位与类别 · suggested handling units and category (staff)",
        responses=s.RoutingSerializer,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="suggested-units",
        pagination_class=None,
        filterset_class=None,
    )
    def suggested_units(self, request: Request, pk=None) -> Response:
        proposal = self.get_object()
        if not may(request.user, Capability.ROUTE_PROPOSALS):
            raise PermissionDenied(_("只有提案委员会工作人员可以查看建议的承办单位。"))
        return Response(s.RoutingSerializer(routing.suggest(proposal)).data)

    @extend_schema(summary="办理记录 · the audit trail", responses=s.EventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def events(self, request: Request, pk=None) -> Response:
        events = timeline(self.get_object())
        return Response(s.EventSerializer(events, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="交办列表 · assignments (a unit sees its own)"),
    retrieve=extend_schema(summary="交办详情 · one assignment"),
)
class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.AssignmentSerializer
    filterset_class = AssignmentFilterSet
    ordering_fields = ["id", "assigned_on"]
    ordering = ["-id"]

    def get_queryset(self):
        return queries.assignment_list(self.request.user)

    def _fresh(self, pk) -> Response:
        assignment = self.get_queryset().get(pk=pk)
        return Response(
            s.AssignmentSerializer(assignment, context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="签收 · accept", request=s.EmptySerializer, responses=s.AssignmentSerializer
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk=None) -> Response:
        handling.accept(request.user, self.get_object())
        return self._fresh(pk)

    @extend_schema(
        summary="申请调整 · ask to be re-routed",
        request=s.ReasonSerializer,
        responses={201: s.ReassignmentRequestSerializer},
    )
    @action(detail=True, methods=["post"], url_path="request-reassignment")
    def request_reassignment(self, request: Request, pk=None) -> Response:
        assignment = self.get_object()
        data = body(s.ReasonSerializer, request)
        created = handling.request_reassignment(request.user, assignment, data["reason"])
        fresh = queries.reassignment_requests().get(pk=created.pk)
        return Response(s.ReassignmentRequestSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="沟通记录 · record a communication with the proposer",
        request=s.CommunicationSerializer,
        responses={201: s.AssignmentSerializer},
    )
    @action(detail=True, methods=["post"])
    def communications(self, request: Request, pk=None) -> Response:
        handling.communicate(
            request.user, self.get_object(), **body(s.CommunicationSerializer, request)
        )
        response = self._fresh(pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        summary="答复 · post the reply (JSON or multipart with an optional letter)",
        request={
            "application/json": s.ReplyActionSerializer,
            "multipart/form-data": s.ReplyActionSerializer,
        },
        responses=s.AssignmentSerializer,
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def reply(self, request: Request, pk=None) -> Response:
        assignment = self.get_object()
        data = body(s.ReplyActionSerializer, request)
        handling.reply(request.user, assignment, **data)
        return self._fresh(pk)

    @extend_schema(
        summary="下载答复函 · the signed reply letter's file",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"replies/(?P<reply_id>[0-9]+)/letter",
        url_name="reply-letter",
        renderer_classes=DOWNLOAD_RENDERERS,
        filterset_class=None,
        pagination_class=None,
    )
    def reply_letter(self, request: Request, pk=None, reply_id=None) -> HttpResponse:
        # Whoever sees the proposal sees its replies (the proposer too, not only units).
        reply = downloads.visible_reply(request.user, reply_id, pk)
        return downloads.reply_letter_response(reply)

    @extend_schema(
        summary="会办意见 · co-unit opinion to the lead unit",
        request=s.OpinionSerializer,
        responses=s.AssignmentSerializer,
    )
    @action(detail=True, methods=["post"])
    def opinion(self, request: Request, pk=None) -> Response:
        handling.give_opinion(
            request.user, self.get_object(), body(s.OpinionSerializer, request)["content"]
        )
        return self._fresh(pk)


@extend_schema_view(
    list=extend_schema(summary="调整申请 · re-routing requests"),
    retrieve=extend_schema(summary="调整申请详情"),
)
class ReassignmentRequestViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ReassignmentRequestSerializer
    ordering = ["-id"]
    ordering_fields = ["id", "created_at"]
    filterset_fields = ["status"]

    def get_queryset(self):
        # Re-routing is between units and the proposal committee; proposers are not party.
        if not may(self.request.user, Capability.LIST_REROUTING):
            return ReassignmentRequest.objects.none()
        assignments = queries.assignment_list(self.request.user)
        return queries.reassignment_requests().filter(assignment__in=assignments.values("pk"))

    def _decide(self, request: Request, approve: bool) -> Response:
        item = self.get_object()
        if approve:
            data = body(s.ApproveSerializer, request)
            decided = handling.decide_reassignment(
                request.user, item, approve=True, new_unit=data["unit"], note=data["note"]
            )
        else:
            data = body(s.RejectSerializer, request)
            decided = handling.decide_reassignment(
                request.user, item, approve=False, note=data["note"]
            )
        decided = self.get_queryset().get(pk=decided.pk)
        return Response(s.ReassignmentRequestSerializer(decided).data)

    @extend_schema(summary="同意调整 · approve and re-assign", request=s.ApproveSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk=None) -> Response:
        return self._decide(request, approve=True)

    @extend_schema(summary="驳回调整 · reject", request=s.RejectSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk=None) -> Response:
        return self._decide(request, approve=False)


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's own notifications, newest first."""

    serializer_class = s.NotificationSerializer
    filterset_fields = ["verb"]
    ordering = ["-id"]
    ordering_fields = ["id"]

    queryset = Notification.objects.none()  # for the schema generator

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return Notification.objects.filter(user=self.request.user)

    @extend_schema(summary="标为已读 · mark one read", request=s.EmptySerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk=None) -> Response:
        from django.utils import timezone

        item = self.get_object()
        if item.read_at is None:
            item.read_at = timezone.now()
            item.save(update_fields=["read_at"])
        return Response(s.NotificationSerializer(item).data)

    @extend_schema(
        summary="全部已读 · mark all read", request=s.EmptySerializer, responses={200: dict}
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        from django.utils import timezone

        count = self.get_queryset().filter(read_at__isnull=True).update(read_at=timezone.now())
        return Response({"marked": count})


@extend_schema_view(
    list=extend_schema(
        summary="催办提醒 · reminders (staff: their committees' log; others: their own)"
    ),
    retrieve=extend_schema(summary="催办提醒详情 · one reminder and its delivery"),
)
class ReminderViewSet(viewsets.ReadOnlyModelViewSet):
    """The reminder log: whom was reminded of what, when, and whether it got through."""

    serializer_class = s.ReminderSerializer
    filterset_class = ReminderFilterSet
    ordering = ["-created_at", "-id"]
    ordering_fields = ["id", "created_at", "for_date", "due_date"]

    queryset = Reminder.objects.none()  # for the schema generator

    def get_queryset(self):
        return Reminder.objects.visible_to(self.request.user).select_related("user")
