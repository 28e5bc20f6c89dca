"""Downloads of proposal attachments and reply letters, for whoever may see the proposal.

The same visibility rules as every list decide (``Proposal.objects.visible_to``); a file
of a proposal the caller may not see answers 404, as if it did not exist. The browser
pages and the API both answer through these lookups.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from cppcc.files import private_file_response
from members.models import User
from proposals.models import Attachment, Proposal, Reply

Id = int | str  # as it comes from a URL


def visible_attachment(user: User, pk: Id, proposal_id: Id | None = None) -> Attachment:
    found = Attachment.objects.filter(proposal__in=Proposal.objects.visible_to(user))
    if proposal_id is not None:
        found = found.filter(proposal_id=_id(proposal_id))
    return get_object_or_404(found, pk=_id(pk))


def visible_reply(user: User, pk: Id, assignment_id: Id | None = None) -> Reply:
    found = Reply.objects.filter(assignment__proposal__in=Proposal.objects.visible_to(user))
    if assignment_id is not None:
        found = found.filter(assignment_id=_id(assignment_id))
    return get_object_or_404(found, pk=_id(pk))


def _id(value: Id) -> int:
    """An id from a URL; anything else names nothing (404)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def attachment_response(attachment: Attachment) -> HttpResponse:
    return private_file_response(attachment.file, attachment.name, attachment.content_type)


def reply_letter_response(reply: Reply) -> HttpResponse:
    name = reply.attachment_name or f"答复函-{reply.pk}"
    return private_file_response(reply.attachment, name, reply.attachment_type)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    return attachment_response(visible_attachment(request.user, pk))


@login_required
def reply_letter_download(request: HttpRequest, pk: int) -> HttpResponse:
    return reply_letter_response(visible_reply(request.user, pk))
