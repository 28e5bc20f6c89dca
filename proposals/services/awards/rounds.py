"""A round's life: created, changed, scoring opened, published."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Committee, Session
from cppcc.errors import DomainError, InvalidTransition
from members.models import User
from proposals.domain import events
from proposals.domain.events import EventKind
from proposals.models import (
    AwardRound,
    AwardScore,
    ProposalEvent,
    default_rubric,
)
from proposals.notifications import notify
from proposals.services.awards.steps import (
    Status,
    check_step,
    lock_round,
    log_round,
    require_manager,
    sync_round,
)
from proposals.services.awards.validation import (
    clean_name,
    clean_quota,
    clean_reviewers,
    clean_session,
    clean_year,
    validate_rubric,
)


class _Unset:
    """Marks an ``update_round`` argument that was not given (``None`` is a value)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def create_round(
    user: User,
    *,
    name: str,
    year: int,
    session: Session | int | None = None,
    rubric: list[dict] | None = None,
    quota: int,
    reviewers: Iterable[User | int] = (),
    committee: Committee | int | None = None,
) -> AwardRound:
    """Open a round in the user's committee (a superuser may name another), nominating."""
    committee_id = committee if isinstance(committee, int) else getattr(committee, "pk", None)
    committee_id = committee_id or user.committee_id
    if committee_id is None:
        raise DomainError(_("请先为账号指定所属政协。"), field="committee")
    require_manager(user, committee_id)
    name = clean_name(name)
    year = clean_year(year)
    quota = clean_quota(quota)
    rubric = validate_rubric(default_rubric() if rubric is None else rubric)
    with transaction.atomic():
        found_session = clean_session(committee_id, year, session)
        reviewer_ids = clean_reviewers(committee_id, reviewers)
        created = AwardRound.objects.create(
            committee_id=committee_id,
            name=name,
            year=year,
            session=found_session,
            rubric=rubric,
            quota=quota,
            created_by=user,
        )
        created.reviewers.set(reviewer_ids)
        log_round(
            created,
            user,
            "award_round_created",
            _("创建优秀提案评选“{name}”").format(name=name),
            year=year,
            session=found_session.pk if found_session else None,
            rubric=rubric,
            quota=quota,
            reviewers=reviewer_ids,
        )
    return created


def _changes(
    locked: AwardRound,
    *,
    name: str | None,
    year: int | None,
    session: Session | int | None,
    rubric: list[dict] | None,
    quota: int | None,
    reviewers: Iterable[User | int] | None,
) -> dict[str, Any]:
    """What ``update_round`` was given that differs from the round, checked; the panel is
    set here (under the round's lock) when it changes."""
    nominating = locked.status == Status.NOMINATING
    changed: dict[str, Any] = {}
    if name is not None and (name := clean_name(name)) != locked.name:
        changed["name"] = name
    new_year = locked.year if year is None else clean_year(year)
    new_session_id = locked.session_id
    if session is not UNSET:
        found = clean_session(locked.committee_id, new_year, session)
        new_session_id = found.pk if found else None
    elif new_year != locked.year and locked.session_id is not None:
        clean_session(locked.committee_id, new_year, locked.session_id)
    for field_name, old, new in (
        ("year", locked.year, new_year),
        ("session", locked.session_id, new_session_id),
    ):
        if old == new:
            continue
        if not nominating:
            raise InvalidTransition(_("评审开始后不能修改年度和会次。"))
        if locked.nominations.exists():
            raise DomainError(_("已有推荐提案，不能再修改年度和会次。"), field=field_name)
        changed[field_name] = new
    if rubric is not None:
        clean = validate_rubric(rubric)
        if clean != locked.rubric:
            if not nominating:
                raise InvalidTransition(_("评审开始后不能修改评分标准。"))
            changed["rubric"] = clean
    if quota is not None and (quota := clean_quota(quota)) != locked.quota:
        if locked.nominations.filter(selected=True).count() > quota:
            raise DomainError(_("已选定的优秀提案多于该名额。"), field="quota")
        changed["quota"] = quota
    if reviewers is not None:
        new_ids = clean_reviewers(locked.committee_id, reviewers)
        old_ids = sorted(locked.reviewers.values_list("pk", flat=True))
        if new_ids != old_ids:
            leaving = set(old_ids) - set(new_ids)
            if AwardScore.objects.filter(
                nomination__round=locked, reviewer_id__in=leaving
            ).exists():
                raise DomainError(_("已打分的评审组成员不能移出评审组。"), field="reviewers")
            locked.reviewers.set(new_ids)
            changed["reviewers"] = new_ids
    return changed


def update_round(
    user: User,
    award_round: AwardRound | int,
    *,
    name: str | None = None,
    year: int | None = None,
    session: Session | int | None = UNSET,
    rubric: list[dict] | None = None,
    quota: int | None = None,
    reviewers: Iterable[User | int] | None = None,
) -> AwardRound:
    """Change what was given. Year, session and rubric only while nominating (the rubric is
    what reviewers score against; the year decides which proposals qualify); the panel
    may grow during scoring, but nobody who has scored leaves it."""
    with transaction.atomic():
        locked = lock_round(award_round)
        check_step(user, locked, "edit")
        changed = _changes(
            locked,
            name=name,
            year=year,
            session=session,
            rubric=rubric,
            quota=quota,
            reviewers=reviewers,
        )
        if not changed:
            return locked
        for attr, value in changed.items():
            if attr == "session":
                locked.session_id = value
            elif attr != "reviewers":
                setattr(locked, attr, value)
        locked.save()
        if "rubric" in changed:
            log_round(
                locked,
                user,
                "award_rubric_changed",
                _("修改“{name}”的评分标准").format(name=locked.name),
                rubric=changed["rubric"],
            )
        rest = {k: v for k, v in changed.items() if k != "rubric"}
        if rest:
            log_round(
                locked,
                user,
                "award_round_changed",
                _("修改优秀提案评选“{name}”").format(name=locked.name),
                **rest,
            )
    if isinstance(award_round, AwardRound):
        sync_round(award_round, locked)
    return locked


# ---- nominations -----------------------------------------------------------------------------


def open_scoring(user: User, award_round: AwardRound | int) -> AwardRound:
    """Close nominations and let the panel score; the reviewers are told."""
    with transaction.atomic():
        locked = lock_round(award_round)
        check_step(user, locked, "open_scoring")
        count = locked.nominations.count()
        if not count:
            raise DomainError(_("请先推荐至少一件提案。"), field="nominations")
        reviewer_ids = list(locked.reviewers.values_list("pk", flat=True))
        if not reviewer_ids:
            raise DomainError(_("请先确定评审组成员。"), field="reviewers")
        locked.status = Status.SCORING
        locked.save(update_fields=["status"])
        log_round(
            locked,
            user,
            "award_scoring_opened",
            _("“{name}”开始评审：{n} 件推荐提案，{r} 位评审").format(
                name=locked.name, n=count, r=len(reviewer_ids)
            ),
            nominations=count,
            reviewers=reviewer_ids,
        )
        notify(
            reviewer_ids,
            None,
            "award_scoring",
            _("“{name}”已开始评审，请为 {n} 件推荐提案打分。").format(
                name=locked.name[:100], n=count
            ),
        )
    if isinstance(award_round, AwardRound):
        sync_round(award_round, locked)
    return locked


# ---- scoring ---------------------------------------------------------------------------------


def publish(user: User, award_round: AwardRound | int) -> AwardRound:
    """Publish the chosen list; from now on the round is read-only. Proposers are told."""
    with transaction.atomic():
        locked = lock_round(award_round)
        check_step(user, locked, "publish")
        chosen = list(
            locked.nominations.filter(selected=True)
            .select_related("proposal")
            .order_by("proposal_id")
        )
        if not chosen:
            raise DomainError(_("请先选定优秀提案。"), field="nominations")
        if len(chosen) > locked.quota:  # the quota cannot shrink below the choice; belt and braces
            raise DomainError(
                _("最多评选 {q} 件优秀提案。").format(q=locked.quota), field="nominations"
            )
        locked.status = Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at"])
        for row in chosen:
            p = row.proposal
            ProposalEvent.objects.record(
                p,
                user,
                events.award(EventKind.AWARD_PUBLISH, locked.pk, locked.name, nomination=row.pk),
            )
            notify(
                [p.proposer_id],
                p,
                "award_chosen",
                _("您的提案《{t}》被评为“{name}”优秀提案。").format(
                    t=p.title[:120], name=locked.name[:100]
                ),
            )
        log_round(
            locked,
            user,
            "award_published",
            _("公布“{name}”评选结果：优秀提案 {n} 件").format(name=locked.name, n=len(chosen)),
            chosen=[row.pk for row in chosen],
        )
    if isinstance(award_round, AwardRound):
        sync_round(award_round, locked)
    return locked
