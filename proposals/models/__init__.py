"""Proposals and everything that happens to them, one module per part of the procedure.

State changes happen only through ``proposals.services``; models hold data, the
querysets (``proposals.visibility``) hold the one definition of who may see what.
"""

from proposals.models.awards import AwardRound, AwardScore, Nomination, default_rubric
from proposals.models.exports import ExportJob, export_path
from proposals.models.handling import (
    Assignment,
    Communication,
    Deadline,
    Extension,
    Feedback,
    ReassignmentRequest,
    Reply,
    Supervision,
    UnitOpinion,
    reply_path,
)
from proposals.models.log import AppendOnlyQuerySet, Notification, ProposalEvent, Reminder
from proposals.models.proposals import (
    USER,
    Attachment,
    Cosigner,
    NumberSequence,
    Proposal,
    Review,
    attachment_path,
)
from proposals.models.text import (
    MergeDismissal,
    ProfileTerm,
    ProposalTerm,
    TermWeight,
    UnitSuggestion,
)

__all__ = [
    "USER",
    "AppendOnlyQuerySet",
    "Assignment",
    "Attachment",
    "AwardRound",
    "AwardScore",
    "Communication",
    "Cosigner",
    "Deadline",
    "ExportJob",
    "Extension",
    "Feedback",
    "MergeDismissal",
    "Nomination",
    "Notification",
    "NumberSequence",
    "ProfileTerm",
    "Proposal",
    "ProposalEvent",
    "ProposalTerm",
    "ReassignmentRequest",
    "Reminder",
    "Reply",
    "Review",
    "Supervision",
    "TermWeight",
    "UnitOpinion",
    "UnitSuggestion",
    "attachment_path",
    "default_rubric",
    "export_path",
    "reply_path",
]
