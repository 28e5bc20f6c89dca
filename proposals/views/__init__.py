"""Browser pages for proposals. Views pick the queryset (``proposals.queries``), the
filterset (``proposals.filters``) and the form, then call one service function; the
buttons shown come from ``workflow.allowed_actions``, the same rules that enforce them."""

from proposals.views.detail import assignment_act, proposal_act, proposal_detail
from proposals.views.editing import (
    attachment_delete,
    attachment_upload,
    proposal_autosave,
    proposal_create,
    proposal_edit,
)
from proposals.views.lists import assignment_inbox, overdue_board, proposal_list, supervision_list
from proposals.views.notices import notifications, reminders
from proposals.views.requests import decide_request, reassignment_requests
from proposals.views.text import dismiss_merge, merge_suggestions, similar_fragment

__all__ = [
    "assignment_act",
    "assignment_inbox",
    "attachment_delete",
    "attachment_upload",
    "decide_request",
    "dismiss_merge",
    "merge_suggestions",
    "notifications",
    "overdue_board",
    "proposal_act",
    "proposal_autosave",
    "proposal_create",
    "proposal_detail",
    "proposal_edit",
    "proposal_list",
    "reassignment_requests",
    "reminders",
    "similar_fragment",
    "supervision_list",
]
