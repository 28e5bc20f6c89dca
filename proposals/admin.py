"""Read-only Django admin for proposals and their audit trail.

Proposal state changes only happen through ``proposals.services``, so nothing
here can add, change or delete a row.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from committees.admin import CommitteeScopedAdmin, NoWritesMixin, ReadOnlyAdmin
from proposals.models import (
    Assignment,
    Cosigner,
    Notification,
    Proposal,
    ProposalEvent,
    Reminder,
    Review,
)


class ReadOnlyInline(NoWritesMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return list(self.fields or [])


class CosignerInline(ReadOnlyInline):
    model = Cosigner
    fields = ["member", "status", "invited_at", "responded_at"]


class ReviewInline(ReadOnlyInline):
    model = Review
    fields = ["stage", "decision", "opinion", "reviewer", "created_at"]


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fk_name = "proposal"
    fields = ["unit", "role", "status", "assigned_on", "accepted_at", "replaces"]


class ProposalEventInline(ReadOnlyInline):
    model = ProposalEvent
    fields = ["created_at", "action", "from_state", "to_state", "actor", "message"]


@admin.register(Proposal)
class ProposalAdmin(CommitteeScopedAdmin, ReadOnlyAdmin):
    list_display = [
        "number",
        "title",
        "committee",
        "session",
        "state",
        "source",
        "category",
        "proposer",
        "is_key",
        "submitted_at",
    ]
    list_filter = ["committee", "state", "source", "kind", "category", "is_key", "session"]
    search_fields = ["number", "title", "proposer__display_name", "proposer__username"]
    date_hierarchy = "submitted_at"
    list_select_related = ["committee", "session", "proposer"]
    inlines = [CosignerInline, ReviewInline, AssignmentInline, ProposalEventInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The one visibility rule applies here too: nobody reads others' unsent drafts.
        return super().get_queryset(request).visible_to(request.user)


@admin.register(ProposalEvent)
class ProposalEventAdmin(CommitteeScopedAdmin, ReadOnlyAdmin):
    committee_field = "proposal__committee"
    list_display = ["created_at", "proposal", "action", "from_state", "to_state", "actor"]
    list_filter = ["action", "proposal__committee"]
    search_fields = ["message", "proposal__title", "proposal__number"]
    date_hierarchy = "created_at"
    list_select_related = ["proposal", "actor"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        visible = Proposal.objects.visible_to(request.user)
        return super().get_queryset(request).filter(proposal__in=visible)


@admin.register(Notification)
class NotificationAdmin(CommitteeScopedAdmin, ReadOnlyAdmin):
    committee_field = "user__committee"
    list_display = ["created_at", "user", "verb", "message", "read_at", "emailed_at"]
    list_filter = ["verb"]
    search_fields = ["message", "user__username", "user__display_name"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]


@admin.register(Reminder)
class ReminderAdmin(CommitteeScopedAdmin, ReadOnlyAdmin):
    """The reminder outbox, read-only: what was sent, to whom, when, and failures."""

    committee_field = "proposal__committee"
    list_display = ["for_date", "kind", "threshold", "audience", "user", "status", "attempts"]
    list_filter = ["status", "kind", "audience"]
    search_fields = ["message", "key", "user__display_name", "proposal__number"]
    date_hierarchy = "for_date"
    list_select_related = ["user"]
