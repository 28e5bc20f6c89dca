"""优秀提案评选: the only writer of award rounds, nominations, scores and the chosen list.

A round moves nominating → scoring → published. Staff (or administrators) of the
round's committee create it, nominate filed proposals, open scoring, choose and
publish; the panel (``AwardRound.reviewers``) scores each nomination on the round's
rubric. Once published nothing changes any more: every function here refuses.

Every function runs in one transaction holding the round's row lock, so a score or
a nomination can never slip in next to a publication. Round-level changes are logged
as ``CommitteeEvent`` rows (with ``data["round"]``); what happens to a proposal
(nominated, withdrawn, chosen, published) is logged as a ``ProposalEvent`` on it.
Individual scores go to the committee log only: a proposal's timeline is read by its
proposer, and the panel's marks are not theirs to see.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, F, QuerySet, Window
from django.db.models.functions import Rank
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Committee, CommitteeEvent, Session
from committees.scoping import committee_ids
from cppcc.errors import DomainError, InvalidTransition, NotPermitted
from members.capabilities import Capability, may
from members.models import User
from proposals.domain import award_rounds, events, groups
from proposals.domain.events import EventKind
from proposals.locks import lock_proposal
from proposals.models import (
    AwardRound,
    AwardScore,
    Nomination,
    Proposal,
    ProposalEvent,
    default_rubric,
)
from proposals.notifications import notify

Status = AwardRound.Status

# A proposal can be nominated once it is filed (it has a number), whatever happened next.
RUBRIC_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,29}$")
RUBRIC_MAX_CRITERIA = 20
RUBRIC_MAX_POINTS = 1000
MAX_QUOTA = 1000


class _Unset:
    """Marks an ``update_round`` argument that was not given (``None`` is a value)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


@dataclass(frozen=True)
class RankedNomination:
    """One line of a round's ranking: the average of the panel's totals and its rank."""

    nomination: Nomination
    average: float | None  # None: nobody has scored it yet
    score_count: int
    rank: int | None  # ties share a rank (1, 1, 3); unscored nominations have none

    @property
    def proposal(self) -> Proposal:
        return self.nomination.proposal


# ---- permissions -----------------------------------------------------------------------------


def can_manage(user: User | None, committee_id: int) -> bool:
    """Staff and administrators run the rounds of their own committee."""
    if not may(user, Capability.MANAGE_AWARDS):
        return False
    ids = committee_ids(user)
    return ids is None or committee_id in ids


def _require_manager(user: User | None, committee_id: int) -> None:
    if not can_manage(user, committee_id):
        raise NotPermitted(_("只有本政协提案委员会工作人员可以管理优秀提案评选。"))


def _is_reviewer(user: User | None, award_round: AwardRound) -> bool:
    return user is not None and award_round.reviewers.filter(pk=user.pk, is_active=True).exists()


def _require_actor(user: User | None, award_round: AwardRound, step: str) -> None:
    """NotPermitted unless ``user`` is who takes ``step`` (``award_rounds.STEPS``)."""
    if award_rounds.STEPS[step].actor == award_rounds.MANAGER:
        _require_manager(user, award_round.committee_id)
    elif not _is_reviewer(user, award_round):
        raise NotPermitted(_("只有本次评选的评审组成员可以打分。"))


def check_step(user: User | None, award_round: AwardRound, step: str) -> None:
    """Refuse ``step`` as the round's table says: not this user's (NotPermitted), or not in
    the round's status (InvalidTransition, with the table's reason)."""
    _require_actor(user, award_round, step)
    if reason := award_rounds.refusal(step, award_round.status):
        raise InvalidTransition(reason)


def allowed_steps(user: User | None, award_round: AwardRound) -> frozenset[str]:
    """The steps ``user`` may take on the round now: the buttons and forms to show."""
    manager = can_manage(user, award_round.committee_id)
    reviewer = _is_reviewer(user, award_round)
    return frozenset(
        name
        for name, row in award_rounds.STEPS.items()
        if (manager if row.actor == award_rounds.MANAGER else reviewer)
        and award_rounds.refusal(name, award_round.status) is None
    )


def _lock(award_round: AwardRound | int) -> AwardRound:
    pk = award_round if isinstance(award_round, int) else award_round.pk
    try:
        return AwardRound.objects.select_for_update().get(pk=pk)
    except AwardRound.DoesNotExist:
        raise DomainError(_("该评选不存在。"), field="round") from None


def _log(locked: AwardRound, user: User | None, action: str, message: str, **data: Any) -> None:
    CommitteeEvent.objects.create(
        committee_id=locked.committee_id,
        actor=user,
        action=action,
        message=message,
        data={"round": locked.pk, **data},
    )


def _sync(target: AwardRound, locked: AwardRound) -> None:
    """Let the caller's object reflect the change."""
    if target is not locked:
        for attr in ("name", "year", "session_id", "rubric", "quota", "status", "published_at"):
            setattr(target, attr, getattr(locked, attr))


# ---- validation ------------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_rubric(rubric: Any) -> list[dict]:
    """A clean copy of ``rubric``: a non-empty list of {key, label, max}, keys and labels
    unique, each maximum a positive integer. Errors name the field ``rubric``."""

    def fail(message: str) -> DomainError:
        return DomainError(message, field="rubric")

    if not isinstance(rubric, list) or not rubric:
        raise fail(_("请至少设置一项评分标准。"))
    if len(rubric) > RUBRIC_MAX_CRITERIA:
        raise fail(_("评分标准最多 {n} 项。").format(n=RUBRIC_MAX_CRITERIA))
    clean: list[dict] = []
    keys: set[str] = set()
    labels: set[str] = set()
    for n, item in enumerate(rubric, start=1):
        if not isinstance(item, dict):
            raise fail(_("第 {n} 项评分标准格式不正确。").format(n=n))
        key, label, top = item.get("key"), item.get("label"), item.get("max")
        if not isinstance(key, str) or not RUBRIC_KEY.match(key):
            raise fail(_("第 {n} 项评分标准的代码须为字母开头的字母、数字或下划线。").format(n=n))
        if not isinstance(label, str) or not label.strip():
            raise fail(_("第 {n} 项评分标准须填写名称。").format(n=n))
        label = label.strip()
        if len(label) > 50:
            raise fail(_("第 {n} 项评分标准的名称不能超过 50 个字。").format(n=n))
        if not _is_int(top) or not 1 <= top <= RUBRIC_MAX_POINTS:
            raise fail(
                _("第 {n} 项评分标准的满分须为 1 至 {m} 的整数。").format(n=n, m=RUBRIC_MAX_POINTS)
            )
        if key in keys:
            raise fail(_("评分标准的代码“{k}”重复。").format(k=key))
        if label in labels:
            raise fail(_("评分标准“{label}”重复。").format(label=label))
        keys.add(key)
        labels.add(label)
        clean.append({"key": key, "label": label, "max": top})
    return clean


def _clean_name(name: Any) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise DomainError(_("请填写评选名称。"), field="name")
    if len(name) > 100:
        raise DomainError(_("评选名称不能超过 100 个字。"), field="name")
    return name


def _clean_year(year: Any) -> int:
    if not _is_int(year) or not 2000 <= year <= 2100:
        raise DomainError(_("请填写有效的年度。"), field="year")
    return year


def _clean_quota(quota: Any) -> int:
    if not _is_int(quota) or not 1 <= quota <= MAX_QUOTA:
        raise DomainError(_("评选名额须为 1 至 {m} 的整数。").format(m=MAX_QUOTA), field="quota")
    return quota


def _clean_session(committee_id: int, year: int, session: Session | int | None) -> Session | None:
    if session is None:
        return None
    pk = session if isinstance(session, int) else session.pk
    found = Session.objects.filter(pk=pk, committee_id=committee_id).first()
    if found is None:
        raise DomainError(_("只能选择本政协的会次。"), field="session")
    if found.year != year:
        raise DomainError(_("所选会次不在该年度。"), field="session")
    return found


def _clean_reviewers(committee_id: int, reviewers: Iterable[User | int]) -> list[int]:
    ids = sorted({r if isinstance(r, int) else r.pk for r in reviewers})
    found = set(
        User.objects.filter(pk__in=ids, committee_id=committee_id, is_active=True).values_list(
            "pk", flat=True
        )
    )
    if len(found) != len(ids):
        raise DomainError(_("评审组成员须为本政协的在用账号。"), field="reviewers")
    return ids


# ---- rounds ----------------------------------------------------------------------------------


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
    _require_manager(user, committee_id)
    name = _clean_name(name)
    year = _clean_year(year)
    quota = _clean_quota(quota)
    rubric = validate_rubric(default_rubric() if rubric is None else rubric)
    with transaction.atomic():
        found_session = _clean_session(committee_id, year, session)
        reviewer_ids = _clean_reviewers(committee_id, reviewers)
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
        _log(
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
        locked = _lock(award_round)
        check_step(user, locked, "edit")
        nominating = locked.status == Status.NOMINATING
        changed: dict[str, Any] = {}
        if name is not None and (name := _clean_name(name)) != locked.name:
            changed["name"] = name
        new_year = locked.year if year is None else _clean_year(year)
        new_session_id = locked.session_id
        if session is not UNSET:
            found = _clean_session(locked.committee_id, new_year, session)
            new_session_id = found.pk if found else None
        elif new_year != locked.year and locked.session_id is not None:
            _clean_session(locked.committee_id, new_year, locked.session_id)
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
        if quota is not None and (quota := _clean_quota(quota)) != locked.quota:
            if locked.nominations.filter(selected=True).count() > quota:
                raise DomainError(_("已选定的优秀提案多于该名额。"), field="quota")
            changed["quota"] = quota
        if reviewers is not None:
            new_ids = _clean_reviewers(locked.committee_id, reviewers)
            old_ids = sorted(locked.reviewers.values_list("pk", flat=True))
            if new_ids != old_ids:
                leaving = set(old_ids) - set(new_ids)
                if AwardScore.objects.filter(
                    nomination__round=locked, reviewer_id__in=leaving
                ).exists():
                    raise DomainError(_("已打分的评审组成员不能移出评审组。"), field="reviewers")
                locked.reviewers.set(new_ids)
                changed["reviewers"] = new_ids
        if not changed:
            return locked
        for attr, value in changed.items():
            if attr == "session":
                locked.session_id = value
            elif attr != "reviewers":
                setattr(locked, attr, value)
        locked.save()
        if "rubric" in changed:
            _log(
                locked,
                user,
                "award_rubric_changed",
                _("修改“{name}”的评分标准").format(name=locked.name),
                rubric=changed["rubric"],
            )
        rest = {k: v for k, v in changed.items() if k != "rubric"}
        if rest:
            _log(
                locked,
                user,
                "award_round_changed",
                _("修改优秀提案评选“{name}”").format(name=locked.name),
                **rest,
            )
    if isinstance(award_round, AwardRound):
        _sync(award_round, locked)
    return locked


# ---- nominations -----------------------------------------------------------------------------


def eligible_proposals(award_round: AwardRound) -> QuerySet[Proposal]:
    """Proposals that may be nominated in the round: filed or later, numbered, of the
    round's committee and session (or, without a session, of a session held that year)."""
    qs = Proposal.objects.filter(
        committee_id=award_round.committee_id, state__in=groups.values(groups.FILED)
    ).exclude(number="")
    if award_round.session_id:
        return qs.filter(session_id=award_round.session_id)
    return qs.filter(session__plenary_start__year=award_round.year)


def nominate(
    user: User, award_round: AwardRound | int, proposal: Proposal | int, reason: str = ""
) -> Nomination:
    """Put a filed proposal forward in a round that is still nominating."""
    with transaction.atomic():
        locked = _lock(award_round)
        check_step(user, locked, "nominate")
        proposal_id = proposal if isinstance(proposal, int) else proposal.pk
        try:
            p = lock_proposal(proposal_id)
        except Proposal.DoesNotExist:
            raise DomainError(_("请选择要推荐的提案。"), field="proposal") from None
        if p.committee_id != locked.committee_id:
            raise DomainError(_("只能推荐本政协的提案。"), field="proposal")
        if p.state not in groups.FILED or not p.number:
            raise DomainError(_("只能推荐已立案（有案号）的提案。"), field="proposal")
        if not eligible_proposals(locked).filter(pk=p.pk).exists():
            raise DomainError(_("该提案不属于本次评选的年度或会次。"), field="proposal")
        if locked.nominations.filter(proposal=p).exists():
            raise DomainError(_("该提案已被推荐。"), field="proposal")
        reason = (reason or "").strip()
        if len(reason) > 2000:
            raise DomainError(_("推荐理由不能超过 2000 字。"), field="reason")
        nomination = Nomination.objects.create(
            round=locked, proposal=p, nominated_by=user, reason=reason
        )
        ProposalEvent.objects.record(
            p,
            user,
            events.award(
                EventKind.AWARD_NOMINATE, locked.pk, locked.name, nomination=nomination.pk
            ),
        )
    return nomination


def _nomination_round(nomination: Nomination | int) -> tuple[int, int]:
    """The nomination's id and its round's (to lock the round before touching it)."""
    nomination_id = nomination if isinstance(nomination, int) else nomination.pk
    round_id = (
        Nomination.objects.filter(pk=nomination_id).values_list("round_id", flat=True).first()
    )
    if round_id is None:
        raise DomainError(_("该推荐不存在或已撤回。"), field="nomination")
    return nomination_id, round_id


def withdraw_nomination(user: User, nomination: Nomination | int, reason: str = "") -> None:
    """Take a nomination back while the round is still nominating (nobody has scored it)."""
    nomination_id, round_id = _nomination_round(nomination)
    with transaction.atomic():
        locked = _lock(round_id)
        check_step(user, locked, "withdraw_nomination")
        row = locked.nominations.select_related("proposal").filter(pk=nomination_id).first()
        if row is None:
            raise DomainError(_("该推荐不存在或已撤回。"), field="nomination")
        p = row.proposal
        row.delete()
        reason = (reason or "").strip()[:200]
        ProposalEvent.objects.record(
            p, user, events.award(EventKind.AWARD_WITHDRAW, locked.pk, locked.name, reason=reason)
        )


def open_scoring(user: User, award_round: AwardRound | int) -> AwardRound:
    """Close nominations and let the panel score; the reviewers are told."""
    with transaction.atomic():
        locked = _lock(award_round)
        check_step(user, locked, "open_scoring")
        count = locked.nominations.count()
        if not count:
            raise DomainError(_("请先推荐至少一件提案。"), field="nominations")
        reviewer_ids = list(locked.reviewers.values_list("pk", flat=True))
        if not reviewer_ids:
            raise DomainError(_("请先确定评审组成员。"), field="reviewers")
        locked.status = Status.SCORING
        locked.save(update_fields=["status"])
        _log(
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
        _sync(award_round, locked)
    return locked


# ---- scoring ---------------------------------------------------------------------------------


def validate_points(rubric: list[dict], points: Any) -> dict[str, int]:
    """Every criterion scored once, with an integer from 0 to its maximum.

    Errors name the field ``points.<key>`` of the criterion at fault.
    """
    if not isinstance(points, dict):
        raise DomainError(_("请按评分标准逐项打分。"), field="points")
    keys = {c["key"] for c in rubric}
    unknown = sorted(set(points) - keys)
    if unknown:
        raise DomainError(
            _("评分标准中没有“{k}”一项。").format(k=unknown[0]), field=f"points.{unknown[0]}"
        )
    clean: dict[str, int] = {}
    for criterion in rubric:
        key, label, top = criterion["key"], criterion["label"], criterion["max"]
        field_name = f"points.{key}"
        value = points.get(key)
        if value is None or value == "":
            raise DomainError(_("请为“{label}”打分。").format(label=label), field=field_name)
        if not _is_int(value):
            raise DomainError(_("“{label}”的得分须为整数。").format(label=label), field=field_name)
        if not 0 <= value <= top:
            message = _("“{label}”的得分须在 0 至 {m} 之间。").format(label=label, m=top)
            raise DomainError(message, field=field_name)
        clean[key] = value
    return clean


def score(
    reviewer: User, nomination: Nomination | int, points: dict[str, int], comment: str = ""
) -> AwardScore:
    """Record (or replace) the reviewer's own marks for one nomination while scoring."""
    nomination_id, round_id = _nomination_round(nomination)
    with transaction.atomic():
        locked = _lock(round_id)
        check_step(reviewer, locked, "score")
        clean = validate_points(locked.rubric, points)
        comment = (comment or "").strip()
        if len(comment) > 2000:
            raise DomainError(_("评语不能超过 2000 字。"), field="comment")
        total = sum(clean.values())
        row, created = AwardScore.objects.update_or_create(
            nomination_id=nomination_id,
            reviewer=reviewer,
            defaults={"points": clean, "total": total, "comment": comment},
        )
        _log(
            locked,
            reviewer,
            "award_scored" if created else "award_rescored",
            _("评审打分：推荐 {n}，总分 {t}").format(n=nomination_id, t=total),
            nomination=nomination_id,
            points=clean,
            total=total,
        )
    return row


def ranking(award_round: AwardRound | int) -> list[RankedNomination]:
    """The round's nominations by the average of the reviewers' totals, best first.

    Averages, counts and ranks come from one query (aggregates and a RANK() window), so
    equal averages share a rank and the next rank skips (1, 1, 3). Nominations nobody
    has scored come last, without a rank.
    """
    round_id = award_round if isinstance(award_round, int) else award_round.pk
    average = Avg("scores__total")
    rows = (
        Nomination.objects.filter(round_id=round_id)
        .select_related("proposal__proposer", "proposal__organization", "nominated_by")
        .annotate(
            average=average,
            score_count=Count("scores"),
            rank=Window(Rank(), order_by=F("average").desc(nulls_last=True)),
        )
        .order_by(F("average").desc(nulls_last=True), "proposal__number", "id")
    )
    return [
        RankedNomination(
            nomination=row,
            average=None if row.average is None else float(row.average),
            score_count=row.score_count,
            rank=row.rank if row.score_count else None,
        )
        for row in rows
    ]


# ---- choosing and publishing -----------------------------------------------------------------


def select(user: User, award_round: AwardRound | int, nomination_ids: Iterable[int]) -> list[int]:
    """Choose the excellent proposals (replacing any earlier choice), at most ``quota``,
    from nominations the panel has scored. Returns the chosen nominations' ids."""
    with transaction.atomic():
        locked = _lock(award_round)
        check_step(user, locked, "select")
        try:
            wanted = {int(n) for n in nomination_ids}
        except (TypeError, ValueError):
            raise DomainError(_("请选择推荐提案。"), field="nominations") from None
        rows = {
            n.pk: n
            for n in locked.nominations.select_related("proposal")
            .annotate(score_count=Count("scores"))
            .order_by("pk")
        }
        if wanted - rows.keys():
            raise DomainError(_("所选提案不在本次评选的推荐名单中。"), field="nominations")
        if len(wanted) > locked.quota:
            raise DomainError(
                _("最多评选 {q} 件优秀提案，已选 {n} 件。").format(q=locked.quota, n=len(wanted)),
                field="nominations",
            )
        unscored = [rows[pk].proposal.number for pk in sorted(wanted) if not rows[pk].score_count]
        if unscored:
            raise DomainError(
                _("尚未评审打分的提案不能选定：{n}").format(n="、".join(unscored)),
                field="nominations",
            )
        for pk, row in rows.items():
            chosen = pk in wanted
            if row.selected == chosen:
                continue
            row.selected = chosen
            row.save(update_fields=["selected"])
            p = row.proposal
            kind = EventKind.AWARD_SELECT if chosen else EventKind.AWARD_UNSELECT
            ProposalEvent.objects.record(
                p, user, events.award(kind, locked.pk, locked.name, nomination=pk)
            )
    return sorted(wanted)


def publish(user: User, award_round: AwardRound | int) -> AwardRound:
    """Publish the chosen list; from now on the round is read-only. Proposers are told."""
    with transaction.atomic():
        locked = _lock(award_round)
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
        _log(
            locked,
            user,
            "award_published",
            _("公布“{name}”评选结果：优秀提案 {n} 件").format(name=locked.name, n=len(chosen)),
            chosen=[row.pk for row in chosen],
        )
    if isinstance(award_round, AwardRound):
        _sync(award_round, locked)
    return locked
