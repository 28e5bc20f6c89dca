"""The reminder sweep: find what is due today and write it to the outbox, in batches.

Open deadlines are read in id order, ``batch_size`` at a time, as plain values; each
batch costs the same three queries however many reminders it yields (read the batch,
the supervisors of its key proposals, one ``INSERT … SELECT FROM unnest(…) ON CONFLICT
DO NOTHING RETURNING id``), is committed on its own, and its new ids are handed to
delivery tasks. Working-day arithmetic is memoised per (committee, date), so 100k
deadlines with a few hundred distinct due dates cost a few hundred calendar walks.
``benchmarks/reminder_sweep.py`` measures it.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from committees.workcalendar import Calendars
from cppcc import jobs
from members.models import User
from members.roles import Role
from proposals.choices import CosignerStatus, DeadlineKind, ReminderKind, ReminderStatus, State
from proposals.models import Cosigner, Deadline, Proposal, Reminder
from proposals.reminders import messages
from proposals.reminders.policy import (
    COSIGNER,
    EMAIL,
    HANDLER,
    IN_APP,
    LEADER,
    PROPOSER,
    STAFF,
    SUPERVISORS,
    ReminderPolicy,
    current_policy,
)

BATCH_SIZE = 1000

Dispatch = Callable[[list[int]], None]


@dataclass
class SweepResult:
    today: datetime.date
    scanned: int = 0  # open deadlines and waiting co-signatures looked at
    batches: int = 0
    recorded: int = 0  # new outbox rows
    dispatched: int = 0  # ids handed to delivery (new ones and leftovers)
    leftovers: int = 0  # pending rows from earlier sweeps, handed over again
    days_off: list[int] = field(default_factory=list)  # committees resting today


class Audiences:
    """Who is behind each audience name, loaded once per sweep (and per batch for supervisors)."""

    def __init__(self) -> None:
        self.unit_handlers: dict[int, list[int]] = defaultdict(list)
        self.unit_leaders: dict[int, list[int]] = defaultdict(list)
        unit_others: dict[int, list[int]] = defaultdict(list)
        rows = User.objects.filter(unit__isnull=False, is_active=True).values_list(
            "unit_id", "pk", "unit_position"
        )
        for unit_id, user_id, position in rows:
            if position == User.UnitPosition.LEADER:
                self.unit_leaders[unit_id].append(user_id)
            elif position == User.UnitPosition.HANDLER:
                self.unit_handlers[unit_id].append(user_id)
            else:
                unit_others[unit_id].append(user_id)
        # A unit that marked no handler: every contact who is not its leader handles.
        for unit_id, users in unit_others.items():
            if not self.unit_handlers.get(unit_id):
                self.unit_handlers[unit_id] = users
        self.staff: dict[int, list[int]] = defaultdict(list)
        staff = User.objects.filter(is_active=True, groups__name=Role.STAFF).values_list(
            "committee_id", "pk"
        )
        for committee_id, user_id in staff:
            self.staff[committee_id].append(user_id)
        self.supervisors: dict[int, list[int]] = {}

    def load_supervisors(self, proposal_ids: Iterable[int]) -> None:
        self.supervisors = defaultdict(list)
        ids = list(proposal_ids)
        if not ids:
            return
        through = Proposal.supervisors.through.objects.filter(
            proposal_id__in=ids, user__is_active=True
        )
        for proposal_id, user_id in through.values_list("proposal_id", "user_id"):
            self.supervisors[proposal_id].append(user_id)

    def users(self, audience: str, row: dict) -> list[int]:
        if audience == HANDLER:
            return self.unit_handlers.get(row["assignment__unit_id"], [])
        if audience == LEADER:
            return self.unit_leaders.get(row["assignment__unit_id"], [])
        if audience == STAFF:
            return self.staff.get(row["proposal__committee_id"], [])
        if audience == SUPERVISORS:
            return self.supervisors.get(row["proposal_id"], [])
        if audience == PROPOSER:
            return [row["proposal__proposer_id"]]
        return []


DEADLINE_FIELDS = (
    "pk",
    "kind",
    "start_date",
    "due_date",
    "computation",  # the warning when the due date fell back to Monday–Friday
    "proposal_id",
    "assignment_id",
    "assignment__unit_id",
    "assignment__unit__name",
    "proposal__committee_id",
    "proposal__is_key",
    "proposal__proposer_id",
    "proposal__title",
    "proposal__number",
)


def sweep(
    today: datetime.date | None = None,
    *,
    dispatch: Dispatch | None = None,
    batch_size: int = BATCH_SIZE,
    policy: ReminderPolicy | None = None,
) -> SweepResult:
    """Record every reminder due ``today`` and hand the pending ones to ``dispatch``.

    Safe to run any number of times a day, from several processes at once: the
    outbox's unique key makes every reminder exist once, and delivery marks it sent.
    """
    today = today or timezone.localdate()
    policy = policy or current_policy()
    dispatch = dispatch or enqueue_delivery
    result = SweepResult(today)
    calendars = Calendars(today)
    hand_over_pending(timezone.now(), calendars, dispatch, result)
    audiences = Audiences()
    for batch in _batches(
        Deadline.objects.filter(is_open=True, kind__in=[k.value for k in DeadlineKind]),
        DEADLINE_FIELDS,
        batch_size,
    ):
        key_ids = {r["proposal_id"] for r in batch if r["proposal__is_key"]}
        audiences.load_supervisors(key_ids)
        rows = []
        for row in batch:
            rows.extend(_deadline_reminders(row, today, calendars, audiences, policy))
        _record(rows, dispatch, result)
        result.scanned += len(batch)
        result.batches += 1
    for batch in _batches(
        Cosigner.objects.filter(status=CosignerStatus.INVITED, proposal__state=State.SUBMITTED),
        COSIGNER_FIELDS,
        batch_size,
    ):
        rows = []
        for row in batch:
            rows.extend(_cosign_reminders(row, today, calendars, policy))
        _record(rows, dispatch, result)
        result.scanned += len(batch)
        result.batches += 1
    result.days_off = calendars.days_off()
    return result


def _batches(queryset, fields: Iterable[str], size: int):
    """Keyset pagination by primary key: each batch is one query, however deep."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk").values(*fields)[:size])
        if not batch:
            return
        yield batch
        last = batch[-1]["pk"]
        if len(batch) < size:
            return


class Row(NamedTuple):
    """One outbox row to write; plain values, as the sweep makes many of them."""

    key: str
    kind: str
    threshold: str
    audience: str
    user_id: int
    proposal_id: int
    assignment_id: int | None
    deadline_id: int | None
    cosigner_id: int | None
    due_date: datetime.date | None
    for_date: datetime.date
    message: str
    channels: list[str]


def _deadline_reminders(
    row: dict,
    today: datetime.date,
    calendars: Calendars,
    audiences: Audiences,
    policy: ReminderPolicy,
) -> list[Row]:
    committee_id = row["proposal__committee_id"]
    if not calendars.is_workday(committee_id):
        return []
    kind_policy = policy.for_kind(row["kind"])
    offset = calendars.offset(committee_id, row["due_date"])
    found = kind_policy.latest_threshold(offset, policy.catch_up_workdays)
    if found is None:
        return []
    threshold, position = found
    # A threshold passed before the deadline was opened is not owed (a 5-day window
    # never gets its "15 days left" reminder, an extension does not replay old ones).
    opened_at = offset - calendars.offset(committee_id, row["start_date"])
    if position >= opened_at:
        return []
    rows: list[Row] = []
    seen: set[int] = set()
    prefix = f"d{row['pk']}:{row['due_date']}:{threshold}:u"
    channels = kind_policy.channels(offset)
    for audience in kind_policy.audiences(position, row["proposal__is_key"]):
        users = [u for u in audiences.users(audience, row) if u not in seen]
        if not users:
            continue
        seen.update(users)
        message = messages.deadline_message(row, audience, offset)
        for user_id in users:
            rows.append(
                Row(
                    f"{prefix}{user_id}",
                    row["kind"],
                    threshold,
                    audience,
                    user_id,
                    row["proposal_id"],
                    row["assignment_id"],
                    row["pk"],
                    None,
                    row["due_date"],
                    today,
                    message,
                    channels,
                )
            )
    return rows


COSIGNER_FIELDS = (
    "pk",
    "invited_at",
    "member__user_id",
    "proposal_id",
    "proposal__committee_id",
    "proposal__submitted_at",
    "proposal__title",
    "proposal__proposer__display_name",
)


def _cosign_reminders(
    row: dict, today: datetime.date, calendars: Calendars, policy: ReminderPolicy
) -> list[Row]:
    committee_id = row["proposal__committee_id"]
    if not calendars.is_workday(committee_id):
        return []
    # The wait starts when the proposal is submitted (an invitation on a draft waits
    # for nobody yet) or when the co-signer was invited, whichever is later.
    since = max(filter(None, (row["invited_at"], row["proposal__submitted_at"])))
    invited = timezone.localdate(since)
    waited = -calendars.offset(committee_id, invited)
    threshold = policy.cosign.latest_threshold(waited, policy.catch_up_workdays)
    if threshold is None:
        return []
    user_id = row["member__user_id"]
    return [
        Row(
            f"c{row['pk']}:{threshold}:u{user_id}",
            ReminderKind.COSIGN,
            threshold,
            COSIGNER,
            user_id,
            row["proposal_id"],
            None,
            None,
            row["pk"],
            None,
            today,
            messages.cosign_message(row, waited),
            [IN_APP, EMAIL],
        )
    ]


def _record(rows: list[Row], dispatch: Dispatch, result: SweepResult) -> None:
    """Insert the batch's reminders, skipping keys that exist, and dispatch the new ones.

    Rows pending from an earlier run are not re-dispatched here: ``hand_over_pending``
    did that at the start of the sweep.
    """
    if not rows:
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            ids = _insert_postgresql(rows)
        else:
            ids = _insert_portable(rows)
    result.recorded += len(ids)
    if ids:
        result.dispatched += len(ids)
        dispatch(sorted(ids))


_COLUMNS = (*Row._fields, "status", "attempts", "skipped", "last_error", "created_at")
_ARRAY_TYPES = {
    "key": "text",
    "kind": "text",
    "threshold": "text",
    "audience": "text",
    "user_id": "bigint",
    "proposal_id": "bigint",
    "assignment_id": "bigint",
    "deadline_id": "bigint",
    "cosigner_id": "bigint",
    "due_date": "date",
    "for_date": "date",
    "message": "text",
    "channels": "jsonb",
}


def _insert_postgresql(rows: list[Row]) -> list[int]:
    """One ``INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING RETURNING id``.

    Building 100k model instances and letting Django compile them costs more than the
    database's own work; column arrays cost one parameter per column.
    """
    table = Reminder._meta.db_table
    columns = list(zip(*rows, strict=True))
    arrays = [
        [json.dumps(v) for v in column] if name == "channels" else list(column)
        for name, column in zip(Row._fields, columns, strict=True)
    ]
    unnest = ", ".join(
        f"%s::{'text' if kind == 'jsonb' else kind}[]" for kind in _ARRAY_TYPES.values()
    )
    select = ", ".join(
        f"{name}::jsonb" if kind == "jsonb" else name for name, kind in _ARRAY_TYPES.items()
    )
    sql = (
        f"INSERT INTO {table} ({', '.join(_COLUMNS)}) "
        f"SELECT {select}, %s, 0, '[]'::jsonb, '', %s "
        f"FROM unnest({unnest}) AS t({', '.join(_ARRAY_TYPES)}) "
        f"ON CONFLICT (key) DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ReminderStatus.PENDING, timezone.now(), *arrays])
        return [pk for (pk,) in cursor.fetchall()]


def _insert_portable(rows: list[Row]) -> list[int]:
    """Other databases (the SQLite demo): insert ignoring duplicates, read the new ids."""
    now = timezone.now()
    Reminder.objects.bulk_create(
        [Reminder(**r._asdict(), created_at=now) for r in rows], ignore_conflicts=True
    )
    stored = Reminder.objects.filter(key__in=[r.key for r in rows], created_at=now)
    return list(stored.values_list("pk", flat=True))


def hand_over_pending(
    now: datetime.datetime,
    calendars: Calendars,
    dispatch: Dispatch,
    result: SweepResult | None = None,
) -> int:
    """Dispatch pending rows that an earlier run left (a crash, a lost task) or whose
    retry is due, for committees at work today. Returns how many were handed over."""
    rows = (
        Reminder.objects.filter(status=ReminderStatus.PENDING, created_at__lt=now)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("pk")
        .values_list("pk", "proposal__committee_id")
    )
    ids = [pk for pk, committee_id in rows if calendars.is_workday(committee_id)]
    for start in range(0, len(ids), BATCH_SIZE):
        dispatch(ids[start : start + BATCH_SIZE])
    if result is not None:
        result.leftovers += len(ids)
        result.dispatched += len(ids)
    return len(ids)


def enqueue_delivery(ids: list[int]) -> None:
    """Queue delivery once the rows are committed (at once outside a transaction)."""
    jobs.after_commit("proposals.tasks.deliver_reminders", ids)
