"""The reminder policy, in one place: when each kind of deadline is reminded, and to whom.

Thresholds are counted in China's working days (``committees.workcalendar``) between
today and the due date. A sweep on a day off sends nothing; a threshold that fell on
a missed sweep day is caught up for ``catch_up_workdays`` working days, then dropped
(the next threshold takes over), so an outage never produces a burst of stale mail.

Deployments override any part through ``settings.REMINDER_POLICY`` (a dict shaped like
:func:`ReminderPolicy.as_dict`); :func:`current_policy` merges it over the defaults and
validates it, so a typo fails loudly at start-up instead of silently reminding nobody.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test.signals import setting_changed

from proposals.choices import DeadlineKind

# Who a rung reminds.
HANDLER = "handler"  # the unit's handler (经办人); every unit user when none is marked
LEADER = "leader"  # the unit's leader contact (分管领导)
STAFF = "staff"  # proposal-committee staff of the proposal's committee
SUPERVISORS = "supervisors"  # the supervising leaders of a key proposal
PROPOSER = "proposer"  # the lead proposer (or the collective's contact person)
COSIGNER = "cosigner"  # a member whose co-signature is awaited
AUDIENCES = (HANDLER, LEADER, STAFF, SUPERVISORS, PROPOSER, COSIGNER)

IN_APP, EMAIL, SMS = "in_app", "email", "sms"
CHANNELS = (IN_APP, EMAIL, SMS)


@dataclass(frozen=True)
class Rung:
    """One step of the escalation ladder.

    ``overdue_from`` is how many working days overdue the deadline must be before this
    audience is reminded too: None means from the first reminder on, 0 from the due day.
    """

    audience: str
    overdue_from: int | None = None
    key_only: bool = False

    def applies(self, overdue: int, is_key: bool) -> bool:
        if self.key_only and not is_key:
            return False
        return self.overdue_from is None or overdue >= self.overdue_from


@dataclass(frozen=True)
class KindPolicy:
    """Reminders for one kind of deadline."""

    before: tuple[int, ...] = ()  # working days before the due date
    on_due_day: bool = True
    overdue_every: int | None = None  # every N working days while overdue
    ladder: tuple[Rung, ...] = ()
    sms_within: int | None = 1  # SMS once at most this many working days remain
    # A window (re-routing, feedback) is over at its due date: a reminder caught up
    # after that would announce a chance that is gone.
    ends_at_due: bool = False

    def threshold(self, offset: int) -> tuple[str, int] | None:
        """The threshold reached at ``offset`` working days before the due date.

        Returns (name, position) where position is the threshold's own offset, or None.
        Negative offsets are overdue.
        """
        if offset > 0:
            return (f"before:{offset}", offset) if offset in self.before else None
        if offset == 0:
            return ("due", 0) if self.on_due_day else None
        late = -offset
        if self.overdue_every and late % self.overdue_every == 0:
            return (f"overdue:{late}", offset)
        return None

    def latest_threshold(self, offset: int, catch_up: int) -> tuple[str, int] | None:
        """The most recent threshold reached within the last ``catch_up`` working days."""
        if self.ends_at_due and offset < 0:
            return None
        for position in range(offset, offset + catch_up + 1):
            found = self.threshold(position)
            if found:
                return found
        return None

    def audiences(self, offset: int, is_key: bool) -> list[str]:
        overdue = -offset
        return [r.audience for r in self.ladder if r.applies(overdue, is_key)]

    def channels(self, offset: int) -> list[str]:
        wanted = [IN_APP, EMAIL]
        if self.sms_within is not None and offset <= self.sms_within:
            wanted.append(SMS)
        return wanted


@dataclass(frozen=True)
class CosignPolicy:
    """Reminders to members whose co-signature a submitted proposal waits for."""

    after: int = 2  # first reminder after this many working days waiting
    every: int = 3  # then every N working days
    times: int = 3  # at most this many reminders per invitation

    def threshold(self, waited: int) -> str | None:
        if waited < self.after or (waited - self.after) % self.every:
            return None
        count = (waited - self.after) // self.every + 1
        return f"waiting:{waited}" if count <= self.times else None

    def latest_threshold(self, waited: int, catch_up: int) -> str | None:
        for back in range(0, catch_up + 1):
            found = self.threshold(waited - back)
            if found:
                return found
        return None


UNIT_LADDER = (
    Rung(HANDLER),
    Rung(LEADER, overdue_from=5),
    Rung(STAFF, overdue_from=10),
    Rung(SUPERVISORS, overdue_from=0, key_only=True),
)


@dataclass(frozen=True)
class ReminderPolicy:
    reply: KindPolicy = KindPolicy(before=(15, 7, 3, 1), overdue_every=5, ladder=UNIT_LADDER)
    co_opinion: KindPolicy = KindPolicy(before=(7, 3, 1), overdue_every=5, ladder=UNIT_LADDER)
    reroute_window: KindPolicy = KindPolicy(
        before=(3, 1), ladder=(Rung(HANDLER),), sms_within=None, ends_at_due=True
    )
    feedback: KindPolicy = KindPolicy(
        before=(5, 1), ladder=(Rung(PROPOSER),), sms_within=None, ends_at_due=True
    )
    cosign: CosignPolicy = field(default_factory=CosignPolicy)
    catch_up_workdays: int = 2
    # Failed e-mail and SMS deliveries are retried after these delays (minutes); when
    # they are used up the reminder is marked failed and shown to staff.
    retry_minutes: tuple[int, ...] = (5, 30, 120, 720)

    def for_kind(self, kind: str) -> KindPolicy:
        return getattr(self, DeadlineKind(kind).value)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ReminderPolicy:
        """The defaults with ``data`` laid over them, validated."""
        policy = cls()
        try:
            changes: dict = {}
            for name, value in data.items():
                if name in ("catch_up_workdays",):
                    changes[name] = _non_negative(value, name)
                elif name == "retry_minutes":
                    changes[name] = tuple(_non_negative(v, name) for v in value)
                elif name == "cosign":
                    changes[name] = replace(policy.cosign, **_positive_ints(value, name))
                elif name in {k.value for k in DeadlineKind}:
                    changes[name] = _kind(getattr(policy, name), value, name)
                else:
                    raise ValueError(f"unknown setting {name!r}")
        except (TypeError, ValueError) as exc:
            raise ImproperlyConfigured(f"REMINDER_POLICY: {exc}") from exc
        return replace(policy, **changes)


def _non_negative(value, name: str) -> int:
    if not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number ≥ 0, not {value!r}")
    return value


def _positive_ints(values: dict, name: str) -> dict:
    for key, value in values.items():
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}.{key} must be a whole number ≥ 1, not {value!r}")
    return values


def _kind(default: KindPolicy, data: dict, name: str) -> KindPolicy:
    data = dict(data)
    if "before" in data:
        data["before"] = tuple(
            sorted({_non_negative(v, name) for v in data["before"]}, reverse=True)
        )
        if 0 in data["before"]:
            raise ValueError(f"{name}.before counts days before the due date; use on_due_day")
    if "ladder" in data:
        rungs = []
        for rung in data["ladder"]:
            rung = Rung(**rung) if isinstance(rung, dict) else Rung(*rung)
            if rung.audience not in AUDIENCES:
                raise ValueError(f"{name}.ladder: unknown audience {rung.audience!r}")
            rungs.append(rung)
        data["ladder"] = tuple(rungs)
    if data.get("overdue_every") is not None:
        data["overdue_every"] = _non_negative(data["overdue_every"], name) or None
    return replace(default, **data)


@cache
def current_policy() -> ReminderPolicy:
    return ReminderPolicy.from_dict(getattr(settings, "REMINDER_POLICY", None) or {})


def _clear_cached_policy(*, setting: str, **kwargs) -> None:
    if setting == "REMINDER_POLICY":
        current_policy.cache_clear()


setting_changed.connect(_clear_cached_policy)
