"""API representations of proposals and assignments, and the bodies of each action.

Read serializers work from prefetched relations only (see ``proposals.api.querysets``),
so list endpoints run a fixed number of queries whatever the page size.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cppcc.api.common import LabelField, RefSerializer
from proposals import workflow
from proposals.choices import (
    Category,
    CommunicationKind,
    CommunicationMethod,
    DeadlineKind,
    ReviewDecision,
    ReviewStage,
    Satisfaction,
    State,
)
from proposals.models import (
    Assignment,
    Attachment,
    Cosigner,
    Deadline,
    Feedback,
    Notification,
    Proposal,
    ProposalEvent,
    ReassignmentRequest,
    Reminder,
    Reply,
    Review,
)
from proposals.queries import current_deadline


class CosignerSerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id")
    name = serializers.CharField(source="member.name")

    class Meta:
        model = Cosigner
        fields = ["member", "name", "status", "responded_at"]


class DeadlineSerializer(serializers.ModelSerializer):
    explanation = serializers.CharField(source="describe")
    warning = serializers.CharField()
    assignment = serializers.IntegerField(source="assignment_id", allow_null=True)

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "assignment",
            "start_date",
            "due_date",
            "is_open",
            "extended",
            "explanation",
            "warning",
            "computation",
        ]


class AssignmentBriefSerializer(serializers.ModelSerializer):
    unit = RefSerializer()
    due_date = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    due_warning = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "unit",
            "role",
            "status",
            "assigned_on",
            "due_date",
            "overdue",
            "due_warning",
        ]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_due_date(self, obj: Assignment):
        deadline = current_deadline(obj)
        return deadline.due_date if deadline else None

    def get_overdue(self, obj: Assignment) -> bool:
        deadline = current_deadline(obj)
        return bool(deadline and deadline.is_overdue())

    def get_due_warning(self, obj: Assignment) -> str:
        deadline = current_deadline(obj)
        return deadline.warning if deadline else ""


class AssignmentActionsSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    actions = serializers.ListField(child=serializers.CharField())


class BlockedActionSerializer(serializers.Serializer):
    """An action the caller would take now but cannot yet, and why."""

    action = serializers.CharField()
    reason = serializers.CharField(help_text="原因（中文），例如「主办单位须待会办意见全部提交」")
    assignment = serializers.IntegerField(
        allow_null=True, help_text="交办 id（承办单位的操作），提案级操作为 null"
    )


class ProposalSerializer(serializers.ModelSerializer):
    """A proposal as listed: who, what, where it stands and what the caller may do next."""

    committee = RefSerializer()
    session = RefSerializer()
    proposer = RefSerializer()
    organization = RefSerializer(allow_null=True)
    sector = RefSerializer(allow_null=True)
    cosigners = CosignerSerializer(many=True)
    assignments = AssignmentBriefSerializer(many=True)
    state_label = LabelField(State.choices, source="state")
    category_label = LabelField(Category.choices, source="category")
    allowed_actions = serializers.SerializerMethodField()
    assignment_actions = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "number",
            "title",
            "state",
            "state_label",
            "category",
            "category_label",
            "source",
            "kind",
            "committee",
            "session",
            "proposer",
            "organization",
            "sector",
            "cosigners",
            "is_key",
            "assignments",
            "handling_round",
            "version",
            "submitted_at",
            "filed_at",
            "replied_at",
            "closed_at",
            "allowed_actions",
            "assignment_actions",
        ]

    def _user(self):
        request = self.context.get("request")
        return request.user if request else None

    def get_allowed_actions(self, obj: Proposal) -> list[str]:
        return workflow.allowed_actions(self._user(), obj, timezone.localdate())

    @extend_schema_field(AssignmentActionsSerializer(many=True))
    def get_assignment_actions(self, obj: Proposal) -> list[dict]:
        user, today = self._user(), timezone.localdate()
        rows = []
        for assignment in obj.assignments.all():
            actions = workflow.allowed_assignment_actions(user, assignment, today)
            if actions:
                rows.append({"assignment": assignment.pk, "actions": actions})
        return rows


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = RefSerializer()

    class Meta:
        model = Review
        fields = ["id", "stage", "decision", "opinion", "reviewer", "created_at"]


def absolute(serializer: serializers.Serializer, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class AttachmentSerializer(serializers.ModelSerializer):
    """An attachment; ``download_url`` answers the file to whoever may see the proposal."""

    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "download_url", "created_at"]

    @extend_schema_field(serializers.URLField())
    def get_download_url(self, obj: Attachment) -> str:
        path = reverse("proposal-attachment", args=[obj.proposal_id, obj.pk])
        return absolute(self, path)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF、OFD、Word、WPS、Excel 或图片（按内容识别）")


class ReplySerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="assignment.unit.name")
    attachment = serializers.SerializerMethodField(
        help_text="答复函（盖章件）的下载地址；没有则为 null"
    )

    class Meta:
        model = Reply
        fields = [
            "id",
            "assignment",
            "unit",
            "round",
            "classification",
            "content",
            "attachment",
            "attachment_name",
            "signed_by",
            "reply_date",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_attachment(self, obj: Reply) -> str | None:
        if not obj.attachment:
            return None
        path = reverse("assignment-reply-letter", args=[obj.assignment_id, obj.pk])
        return absolute(self, path)


class FeedbackSerializer(serializers.ModelSerializer):
    user = RefSerializer()

    class Meta:
        model = Feedback
        fields = [
            "id",
            "round",
            "user",
            "is_decisive",
            "communication",
            "result",
            "comment",
            "created_at",
        ]


class ProposalDetailSerializer(ProposalSerializer):
    """One proposal with its content, review, due dates, replies and feedback."""

    supervisors = RefSerializer(many=True)
    blocked_actions = serializers.SerializerMethodField(
        help_text="您本可执行、但条件尚未满足的操作及原因（列表不提供，详情提供）"
    )
    forwarded_to = RefSerializer(allow_null=True)
    reviews = ReviewSerializer(many=True)
    deadlines = DeadlineSerializer(many=True)
    attachments = AttachmentSerializer(many=True)
    replies = serializers.SerializerMethodField()
    feedback = FeedbackSerializer(many=True)
    merged_into = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    transferred_from = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    transferred_to = serializers.SerializerMethodField()
    merged_proposals = serializers.SerializerMethodField()

    class Meta(ProposalSerializer.Meta):
        fields = [
            *ProposalSerializer.Meta.fields,
            "background",
            "suggestions",
            "topic",
            "decline_ground",
            "decline_note",
            "forwarded_to",
            "blocked_actions",
            "supervisors",
            "reviews",
            "deadlines",
            "attachments",
            "replies",
            "feedback",
            "merged_into",
            "merged_proposals",
            "transferred_from",
            "transferred_to",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(BlockedActionSerializer(many=True))
    def get_blocked_actions(self, obj: Proposal) -> list[dict]:
        return [
            {"action": b.action, "reason": b.reason, "assignment": b.assignment and b.assignment.pk}
            for b in workflow.blocked_anywhere(self._user(), obj, timezone.localdate())
        ]

    @extend_schema_field(ReplySerializer(many=True))
    def get_replies(self, obj: Proposal) -> list[dict]:
        replies = [r for a in obj.assignments.all() for r in a.replies.all()]
        return ReplySerializer(
            sorted(replies, key=lambda r: r.pk), many=True, context=self.context
        ).data

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_transferred_to(self, obj: Proposal):
        target = getattr(obj, "transferred_to", None)
        return target.pk if target else None

    def get_merged_proposals(self, obj: Proposal) -> list[int]:
        return [p.pk for p in obj.merged_proposals.all()]


class ProposalWriteSerializer(serializers.Serializer):
    """The fields a proposer writes; creating makes a draft."""

    title = serializers.CharField(max_length=200)
    background = serializers.CharField(required=False, allow_blank=True, default="")
    suggestions = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=Proposal._meta.get_field("category").choices)
    topic = serializers.IntegerField(required=False, allow_null=True)
    cosigners = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=100
    )
    organization = serializers.IntegerField(
        required=False, allow_null=True, help_text="集体提案单位 id（集体提案联系人）"
    )


class ProposalPatchSerializer(ProposalWriteSerializer):
    title = serializers.CharField(max_length=200, required=False)
    category = serializers.ChoiceField(
        choices=Proposal._meta.get_field("category").choices, required=False
    )
    background = serializers.CharField(required=False, allow_blank=True)
    suggestions = serializers.CharField(required=False, allow_blank=True)
    organization = None


class EventSerializer(serializers.ModelSerializer):
    actor = RefSerializer(allow_null=True)
    proposal = serializers.IntegerField(source="proposal_id")

    class Meta:
        model = ProposalEvent
        fields = [
            "id",
            "proposal",
            "action",
            "from_state",
            "to_state",
            "message",
            "data",
            "actor",
            "created_at",
        ]


# ---- action bodies ------------------------------------------------------------------------


class EmptySerializer(serializers.Serializer):
    pass


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RemoveCosignerSerializer(serializers.Serializer):
    member = serializers.IntegerField(min_value=1)


class ReviewActionSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=ReviewStage.choices)
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    opinion = serializers.CharField(required=False, allow_blank=True, default="")
    decline_ground = serializers.CharField(required=False, allow_blank=True, default="")
    forward_to = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class MergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(min_value=1)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class AssignSerializer(serializers.Serializer):
    lead_unit = serializers.IntegerField(required=False, allow_null=True, min_value=1, default=None)
    co_units = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=50
    )
    separate_units = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=50
    )


class ExtendSerializer(serializers.Serializer):
    due_date = serializers.DateField()
    reason = serializers.CharField()
    assignment = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class FeedbackActionSerializer(serializers.Serializer):
    communication = serializers.ChoiceField(choices=Satisfaction.choices)
    result = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class MarkKeySerializer(serializers.Serializer):
    supervisors = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=20
    )


class SuperviseSerializer(serializers.Serializer):
    content = serializers.CharField()
    date = serializers.DateField(required=False, allow_null=True)


class TransferSerializer(serializers.Serializer):
    committee = serializers.IntegerField(min_value=1)
    reason = serializers.CharField()


class AssignmentSerializer(AssignmentBriefSerializer):
    proposal = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    reroute_until = serializers.SerializerMethodField()

    class Meta(AssignmentBriefSerializer.Meta):
        fields = [
            *AssignmentBriefSerializer.Meta.fields,
            "proposal",
            "accepted_at",
            "reroute_until",
            "allowed_actions",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "number": {"type": "string"},
                "title": {"type": "string"},
                "state": {"type": "string"},
            },
        }
    )
    def get_proposal(self, obj: Assignment) -> dict:
        p = obj.proposal
        return {"id": p.pk, "number": p.number, "title": p.title, "state": p.state}

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_reroute_until(self, obj: Assignment):
        for d in obj.deadlines.all():
            if d.kind == DeadlineKind.REROUTE_WINDOW and d.is_open:
                return d.due_date
        return None

    def get_allowed_actions(self, obj: Assignment) -> list[str]:
        request = self.context.get("request")
        return workflow.allowed_assignment_actions(
            request.user if request else None, obj, timezone.localdate()
        )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class CommunicationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CommunicationKind.choices)
    method = serializers.ChoiceField(choices=CommunicationMethod.choices)
    date = serializers.DateField()
    content = serializers.CharField()


class ReplyActionSerializer(serializers.Serializer):
    classification = serializers.CharField(max_length=4)
    content = serializers.CharField()
    signed_by = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    attachment = serializers.FileField(required=False, allow_null=True)


class OpinionSerializer(serializers.Serializer):
    content = serializers.CharField()


class ReassignmentRequestSerializer(serializers.ModelSerializer):
    assignment = AssignmentBriefSerializer()
    proposal = serializers.IntegerField(source="assignment.proposal_id")

    class Meta:
        model = ReassignmentRequest
        fields = [
            "id",
            "proposal",
            "assignment",
            "reason",
            "status",
            "created_at",
            "decided_at",
            "decision_note",
        ]


class ApproveSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, help_text="新的承办单位 id")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RejectSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "proposal", "verb", "message", "created_at", "read_at"]


class ReminderSerializer(serializers.ModelSerializer):
    """One reminder (催办提醒) to one person, and how its delivery went."""

    threshold_label = serializers.CharField(
        read_only=True, help_text="提醒节点：到期前N个工作日、到期当日、逾期N个工作日……"
    )
    user = RefSerializer(read_only=True, help_text="接收人")
    proposal = serializers.IntegerField(source="proposal_id", read_only=True)
    assignment = serializers.IntegerField(source="assignment_id", read_only=True, allow_null=True)
    channels = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="发送渠道：in_app、email、sms"
    )
    skipped = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="因无地址未发送的渠道"
    )

    class Meta:
        model = Reminder
        fields = [
            "id",
            "kind",
            "threshold",
            "threshold_label",
            "audience",
            "user",
            "proposal",
            "assignment",
            "due_date",
            "for_date",
            "message",
            "channels",
            "skipped",
            "status",
            "attempts",
            "last_error",
            "next_attempt_at",
            "emailed_at",
            "sms_sent_at",
            "sent_at",
            "created_at",
        ]
        read_only_fields = fields


class SimilarQuerySerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=5000,
        help_text="正在撰写的标题或内容 · the title or text being written",
        error_messages={
            "required": "请提供要比对的文字（text）。",
            "blank": "请提供要比对的文字（text）。",
        },
    )
    exclude = serializers.IntegerField(
        required=False, min_value=1, help_text="不参与比对的提案 id（正在编辑的草稿）"
    )


class ProposalBriefSerializer(serializers.ModelSerializer):
    """A proposal named in a reason: id, number and title."""

    class Meta:
        model = Proposal
        fields = ["id", "number", "title"]


class SimilarProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="proposal.pk")
    number = serializers.CharField(source="proposal.number")
    title = serializers.CharField(source="proposal.title")
    state = serializers.CharField(source="proposal.state")
    state_label = serializers.CharField(source="proposal.get_state_display")
    session = RefSerializer(source="proposal.session")
    score = serializers.FloatField(help_text="余弦相似度 0–1 · cosine similarity")
    openable = serializers.BooleanField(
        help_text="调用者能否打开该提案详情 · whether GET /proposals/{id}/ is allowed"
    )
    reply_class = serializers.CharField(help_text="答复分类（已答复的）· reply class, if answered")
    reply_opening = serializers.CharField(help_text="答复开头 · the reply's opening words")


class UnitChoiceSerializer(serializers.Serializer):
    unit = RefSerializer()
    score = serializers.FloatField()
    because = ProposalBriefSerializer(many=True, help_text="依据：相似的既往提案")
    open_count = serializers.IntegerField(help_text="在办件数 · open assignments")
    overdue_count = serializers.IntegerField(help_text="超期件数 · overdue assignments")


class CategoryChoiceSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    score = serializers.FloatField()
    because = ProposalBriefSerializer(many=True)


class RoutingSerializer(serializers.Serializer):
    units = UnitChoiceSerializer(many=True)
    categories = CategoryChoiceSerializer(many=True)
