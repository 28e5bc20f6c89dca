"""The plan of each 2023 proposal (what happens to it, when, by whom) and the bulk writer
that turns plans into rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import models

from committees.models import HandlingUnit, Organization, Sector
from demo import names
from demo.figures import BATCH
from demo.texts import Content, Title
from members.models import Member, User
from proposals.choices import Satisfaction
from proposals.models import (
    Assignment,
    Communication,
    Feedback,
    Proposal,
    Reply,
    Supervision,
    UnitOpinion,
)


def bulk(model: type[models.Model], objs: list) -> list:
    """``bulk_create`` keeping historical values of auto_now(_add) fields.

    Django overwrites those fields on insert, so the intended values are put back
    with one ``bulk_update``.
    """
    if not objs:
        return objs
    stamped = [
        f.attname
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    wanted = [[getattr(o, name) for name in stamped] for o in objs]
    model._default_manager.bulk_create(objs, batch_size=BATCH)
    if stamped:
        for obj, values in zip(objs, wanted, strict=True):
            for name, value in zip(stamped, values, strict=True):
                setattr(obj, name, value)
        model._default_manager.bulk_update(objs, stamped, batch_size=BATCH)
    return objs


def lead_for_topic(rng, topic_units: list, by_code: dict, category: str):
    """The lead unit staff choose: the topic's usual unit most often, its other units
    sometimes, now and then another unit of the category (what makes routing learnable,
    and not trivially)."""
    roll = rng.random()
    if roll < 0.72:
        return topic_units[0]
    if roll < 0.92:
        return rng.choice(topic_units[1:])
    return by_code[rng.choice(names.UNITS_BY_CATEGORY[category])]


@dataclass
class UnitPlan:
    unit: HandlingUnit
    role: str
    accepted_at: datetime.datetime | None = None
    opinion_at: datetime.datetime | None = None
    communication_at: datetime.datetime | None = None
    method: str = ""
    reply_at: datetime.datetime | None = None
    classification: str = ""
    assignment: Assignment | None = None
    opinion: UnitOpinion | None = None
    communication: Communication | None = None
    reply: Reply | None = None


@dataclass
class Plan:
    """One 2023 proposal, planned in full before anything is written."""

    outcome: str
    source: str
    title: Title
    proposer: User
    organization: Organization | None
    sector: Sector | None
    plenary: bool
    content: Content | None = None  # what it says (a retelling of its target's if merged)
    created: datetime.datetime | None = None
    submitted: datetime.datetime | None = None
    cosigners: list[tuple[Member, datetime.datetime]] = field(default_factory=list)
    reviews: list[tuple[str, str, datetime.datetime, User]] = field(default_factory=list)
    decline_ground: str = ""
    forwarded_to: HandlingUnit | None = None
    merge_into: Plan | None = None
    merged: list[Plan] = field(default_factory=list)
    ended_at: datetime.datetime | None = None  # withdrawn / merged
    filed_at: datetime.datetime | None = None
    sequence: int | None = None
    number: str = ""
    assign_at: datetime.datetime | None = None
    units: list[UnitPlan] = field(default_factory=list)
    key_at: datetime.datetime | None = None
    supervisors: list[User] = field(default_factory=list)
    supervisions: list[tuple[User, datetime.datetime, str]] = field(default_factory=list)
    supervision_rows: list[Supervision] = field(default_factory=list)
    feedback_at: datetime.datetime | None = None
    satisfaction: tuple[str, str] = (Satisfaction.SATISFIED, Satisfaction.SATISFIED)
    feedback_row: Feedback | None = None
    proposal: Proposal | None = None
    review_staff: User | None = None

    @property
    def replied_at(self) -> datetime.datetime | None:
        replies = [u.reply_at for u in self.units if u.reply_at]
        return max(replies) if replies else None
