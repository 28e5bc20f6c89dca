"""Proposals on a few subjects, each a little differently worded, sharing the boilerplate."""

from __future__ import annotations

import dataclasses

from proposals.models import Proposal
from proposals.services import handling
from proposals.text import routing
from tests import flows
from tests.factories import World

ELDERLY = {
    "title": "关于加强居家养老服务的提案",
    "background": (
        "我市老年人口逐年增加，社区居家养老服务供给不足，专业护理人员缺乏，养老机构床位紧张。"
    ),
    "suggestions": (
        "一是加大财政对社区养老服务中心的投入；二是培养专业护理员队伍；"
        "三是推动医养结合，让老人在家门口享受照护。"
    ),
    "category": "social",
}
# The same proposal said again: new title, sentences reordered, a synonym or two.
ELDERLY_AGAIN = {
    "title": "关于完善社区居家养老服务的建议",
    "background": ("养老机构床位紧张，社区养老服务中心覆盖不够，护理人员短缺，老年人口持续增长。"),
    "suggestions": (
        "推动医养结合；培养护理员队伍；财政加大对社区居家养老的支持，让老人在家门口得到照护。"
    ),
    "category": "social",
}
SCHOOLS = {
    "title": "关于进一步加强中小学课后服务的提案",
    "background": ("双减政策实施后，中小学课后服务需求旺盛，但师资不足，课程单一，家长接送困难。"),
    "suggestions": (
        "一是引入社会力量丰富课后服务课程；二是合理核定教师课后服务补助；三是推动学校与少年宫合作。"
    ),
    "category": "social",
}
TRAFFIC = {
    "title": "关于进一步加强缓解城市交通拥堵的提案",
    "background": (
        "我市机动车保有量快速增长，早晚高峰主干道拥堵严重，公共交通分担率偏低，停车位缺口大。"
    ),
    "suggestions": (
        "一是优化公交线网，增加地铁接驳公交；二是建设智慧停车系统；三是推进错峰上下班。"
    ),
    "category": "economic",
}
# Shares the boilerplate (关于进一步加强…的提案, 一是…二是…) and nothing else with the others.
BOILERPLATE_ONLY = {
    "title": "关于进一步加强非物质文化遗产保护的提案",
    "background": ("目前我市非遗传承人老龄化，部分传统技艺面临失传，相关工作存在投入不足的问题。"),
    "suggestions": ("一是建立非遗传承人补贴机制；二是推进非遗进校园；三是加强非遗数字化记录。"),
    "category": "cultural",
}


def written(world: World, content: dict, proposer=None) -> Proposal:
    """A submitted proposal with ``content``, by ``proposer`` (a member) if given."""
    w = world if proposer is None else _as(world, proposer)
    return flows.submitted(w, cosigners=False, **content)


def _as(world: World, member) -> World:
    return dataclasses.replace(world, member=member)


def assigned_to(world: World, content: dict, unit) -> Proposal:
    p = flows.filed(world, cosigners=False, **content)
    return handling.assign(world.staff, p, lead_unit=unit.pk, today=flows.DAY)


def train() -> None:
    """Retrain the text model, as the nightly task does."""
    routing.train()
