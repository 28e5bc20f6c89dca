"""Writing, submitting and withdrawing proposals; co-signing (联名)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Organization, Session, Topic
from cppcc.errors import DomainError, NotPermitted
from members.models import Member, User
from members.roles import Role, has_role
from proposals.choices import Category, CosignerStatus, Kind, Source, State
from proposals.conditions import pending_cosigners
from proposals.domain import events
from proposals.models import Attachment, Cosigner, Proposal, ProposalEvent
from proposals.notifications import committee_staff, notify
from proposals.services.base import (
    action,
    checked_upload,
    delete_file_on_commit,
    require,
)

EDITABLE_FIELDS = ("title", "background", "suggestions", "category", "topic")


def _clean_content(committee_id: int, data: dict) -> dict:
    cleaned: dict = {}
    if "title" in data:
        title = (data["title"] or "").strip()
        require(title, _("请填写案由。"), "title")
        require(len(title) <= 200, _("案由不能超过200字。"), "title")
        cleaned["title"] = title
    for name in ("background", "suggestions"):
        if name in data:
            cleaned[name] = (data[name] or "").strip()
    if "category" in data:
        require(data["category"] in Category.values, _("请选择提案类别。"), "category")
        cleaned["category"] = data["category"]
    if "topic" in data:
        topic = data["topic"]
        if topic is not None and not isinstance(topic, Topic):
            topic = Topic.objects.filter(pk=topic, committee_id=committee_id).first()
            require(topic, _("子类不存在。"), "topic")
        if topic is not None:
            require(topic.committee_id == committee_id, _("子类不存在。"), "topic")
            require(
                topic.category == cleaned.get("category", data.get("category")),
                _("子类与类别不符。"),
                "topic",
            )
        cleaned["topic"] = topic
    return cleaned


def _current_session(committee_id: int, today: datetime.date) -> Session:
    session = Session.objects.for_date(committee_id, today)
    if session is None:
        raise DomainError(_("尚未设置会次，暂不能提交提案，请联系提案委员会。"))
    return session


def _set_cosigners(proposal: Proposal, member_ids: Iterable[int]) -> None:
    wanted = set(member_ids)
    if wanted:
        require(proposal.source == Source.MEMBER, _("集体提案不设联名人。"), "cosigners")
        members = Member.objects.filter(
            pk__in=wanted, committee_id=proposal.committee_id, is_active=True
        )
        found = {m.pk: m for m in members}
        require(len(found) == len(wanted), _("联名人须为本政协在任委员。"), "cosigners")
        require(
            all(m.user_id != proposal.proposer_id for m in found.values()),
            _("第一提案人不能同时作为联名人。"),
            "cosigners",
        )
    existing = {c.member_id: c for c in proposal.cosigners.all()}
    for member_id, cosigner in existing.items():
        if member_id not in wanted:
            cosigner.delete()
        elif cosigner.status in (CosignerStatus.REMOVED, CosignerStatus.DECLINED):
            cosigner.status = CosignerStatus.INVITED
            cosigner.save(update_fields=["status"])
    Cosigner.objects.bulk_create(
        [Cosigner(proposal=proposal, member_id=mid) for mid in wanted - existing.keys()]
    )


def create_draft(
    user: User,
    data: dict,
    *,
    cosigners: Iterable[int] = (),
    organization: Organization | None = None,
    today: datetime.date | None = None,
) -> Proposal:
    """A member (or a collective's contact, for their organization) starts a draft."""
    today = today or timezone.localdate()
    if organization is not None:
        if not (has_role(user, Role.COLLECTIVE) and user.organization_id == organization.pk):
            raise NotPermitted(_("您不是该单位的集体提案联系人。"))
        source, sector = Source.COLLECTIVE, organization.sector
    elif has_role(user, Role.MEMBER) and hasattr(user, "member"):
        source, sector = Source.MEMBER, user.member.sector
    elif has_role(user, Role.COLLECTIVE) and user.organization_id:
        organization = user.organization
        source, sector = Source.COLLECTIVE, organization.sector
    else:
        raise NotPermitted(_("只有政协委员和集体提案联系人可以撰写提案。"))
    committee_id = user.committee_id
    require(committee_id, _("您的账号未关联政协，请联系管理员。"))
    content = _clean_content(committee_id, {"title": data.get("title", ""), **data})
    require("category" in content, _("请选择提案类别。"), "category")
    with transaction.atomic():
        proposal = Proposal.objects.create(
            committee_id=committee_id,
            session=_current_session(committee_id, today),
            source=source,
            proposer=user,
            organization=organization,
            sector=sector,
            state=State.DRAFT,
            **content,
        )
        _set_cosigners(proposal, cosigners)
        ProposalEvent.objects.record(proposal, user, events.created(), from_state="")
    return proposal


def update_draft(
    user: User,
    proposal: Proposal | int,
    data: dict,
    *,
    cosigners: Iterable[int] | None = None,
    expected_version: int | None = None,
) -> Proposal:
    """Edit a draft or returned proposal; ``expected_version`` guards against lost updates."""
    with action(user, "edit", proposal, expected_version=expected_version) as step:
        p = step.proposal
        content = _clean_content(
            p.committee_id, {"category": data.get("category", p.category), **data}
        )
        changed = [name for name, value in content.items() if getattr(p, name) != value]
        for name, value in content.items():
            setattr(p, name, value)
        if cosigners is not None:
            before = sorted(c.member_id for c in p.cosigners.all())
            _set_cosigners(p, cosigners)
            if sorted(cosigners) != before:
                changed.append("cosigners")
        step.event = events.edited(changed)
        step.unchanged = not changed
    return proposal if isinstance(proposal, Proposal) else Proposal.objects.get(pk=proposal)


def submit(user: User, proposal: Proposal | int, today: datetime.date | None = None) -> Proposal:
    with action(user, "submit", proposal, today=today) as step:
        p = step.proposal
        session = _current_session(p.committee_id, step.today)
        p.session = session
        p.kind = Kind.PLENARY if session.is_plenary(step.today) else Kind.REGULAR
        p.submitted_at = timezone.now()
        p.state = State.SUBMITTED
        invited = []
        for cosigner in p.cosigners.select_related("member"):
            if cosigner.status != CosignerStatus.INVITED:
                cosigner.status = CosignerStatus.INVITED
                cosigner.responded_at = None
                cosigner.save(update_fields=["status", "responded_at"])
            invited.append(cosigner.member.user_id)
        step.event = events.submitted(session.pk, p.kind)
        notify(invited, p, "cosign_invited", _("请确认是否联名提案《{t}》").format(t=p.title))
        if not invited:
            _tell_staff_ready(p)
    return _reload(proposal)


def withdraw(user: User, proposal: Proposal | int, reason: str = "") -> Proposal:
    with action(user, "withdraw", proposal) as step:
        step.set_state(State.WITHDRAWN)
        step.event = events.withdrawn(reason)
    return _reload(proposal)


def _respond_to_invitation(user: User, proposal: Proposal | int, confirm: bool) -> Proposal:
    name = "cosign" if confirm else "decline_cosign"
    with action(user, name, proposal) as step:
        cosigner = step.proposal.cosigners.get(member__user=user)
        cosigner.status = CosignerStatus.CONFIRMED if confirm else CosignerStatus.DECLINED
        cosigner.responded_at = timezone.now()
        cosigner.save(update_fields=["status", "responded_at"])
        step.event = events.cosigner_answered(
            cosigner.member_id, str(cosigner.member), confirmed=confirm
        )
        if not pending_cosigners(step.proposal):
            _tell_staff_ready(step.proposal)
        if not confirm:
            notify(
                [step.proposal.proposer_id],
                step.proposal,
                "cosign_declined",
                _("{m} 拒绝联名提案《{t}》").format(m=cosigner.member, t=step.proposal.title),
            )
    return _reload(proposal)


def _tell_staff_ready(p: Proposal) -> None:
    notify(
        committee_staff(p.committee_id),
        p,
        "ready_for_review",
        _("提案《{t}》已提交，待审查").format(t=p.title),
    )


def cosign(user: User, proposal: Proposal | int) -> Proposal:
    return _respond_to_invitation(user, proposal, confirm=True)


def decline_cosign(user: User, proposal: Proposal | int) -> Proposal:
    return _respond_to_invitation(user, proposal, confirm=False)


def remove_cosigner(user: User, proposal: Proposal | int, member_id: int) -> Proposal:
    """Remove a co-signer who has not answered, so the proposal can go to review."""
    with action(user, "remove_cosigner", proposal) as step:
        cosigner = step.proposal.cosigners.filter(
            member_id=member_id, status=CosignerStatus.INVITED
        ).first()
        require(cosigner, _("该委员不是待确认的联名人。"), "member")
        cosigner.status = CosignerStatus.REMOVED
        cosigner.responded_at = timezone.now()
        cosigner.save(update_fields=["status", "responded_at"])
        step.event = events.cosigner_removed(member_id, str(cosigner.member))
        if not pending_cosigners(step.proposal):
            _tell_staff_ready(step.proposal)
    return _reload(proposal)


def _reload(proposal: Proposal | int) -> Proposal:
    if isinstance(proposal, Proposal):
        proposal.refresh_from_db()
        return proposal
    return Proposal.objects.get(pk=proposal)


def add_attachment(user: User, proposal: Proposal | int, upload) -> Attachment:
    """Attach a file to a draft or returned proposal (the proposer only).

    The file must be a document type offices exchange (``cppcc.uploads``); it is stored
    under a generated name, and the upload is in the audit trail.
    """
    with action(user, "edit", proposal) as step:
        checked = checked_upload(upload, "attachment", "file")
        attachment = Attachment(
            proposal=step.proposal,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=user,
        )
        attachment.file.save(f"upload{checked.type.extensions[0]}", upload, save=False)
        attachment.save()
        step.event = events.attachment_added(attachment.pk, attachment.name)
    return attachment


def remove_attachment(user: User, proposal: Proposal | int, attachment_id: int) -> None:
    """Remove an attachment of a draft or returned proposal; the file goes after commit."""
    with action(user, "edit", proposal) as step:
        attachment = step.proposal.attachments.filter(pk=attachment_id).first()
        require(attachment, _("附件不存在。"), "attachment")
        step.event = events.attachment_removed(attachment_id, attachment.name)
        delete_file_on_commit(attachment.file)
        attachment.delete()
