"""Typed events: every kind renders from its parameters; one writer; old sentences converted."""

from __future__ import annotations

import ast
import datetime
import importlib
from pathlib import Path

import pytest

from proposals import workflow
from proposals.domain import events
from proposals.domain.events import EventKind, render

ROOT = Path(__file__).resolve().parents[3]

BUILT = {
    EventKind.CREATE: (events.created(), "创建草稿"),
    EventKind.EDIT: (events.edited(["title"]), "修改内容"),
    EventKind.ATTACHMENT_ADDED: (
        events.attachment_added(1, "调研报告.pdf"),
        "上传附件 调研报告.pdf",
    ),
    EventKind.ATTACHMENT_REMOVED: (events.attachment_removed(1, "a.pdf"), "删除附件 a.pdf"),
    EventKind.SUBMIT: (events.submitted(3, "plenary"), "提交提案（大会提案）"),
    EventKind.WITHDRAW: (events.withdrawn(), "提案人撤回"),
    EventKind.COSIGN: (events.cosigner_answered(5, "邓晓涛", confirmed=True), "确认联名"),
    EventKind.DECLINE_COSIGN: (events.cosigner_answered(5, "邓晓涛", confirmed=False), "拒绝联名"),
    EventKind.REMOVE_COSIGNER: (events.cosigner_removed(5, "邓晓涛"), "移除未确认的联名人 邓晓涛"),
    EventKind.REVIEW: (
        events.reviewed(
            "initial",
            "decline",
            ground="属于信访范畴",
            opinion="请走信访渠道",
            forwarded_to=9,
            forwarded_to_name="市信访局",
        ),
        "不予立案：属于信访范畴；请走信访渠道，作为意见建议转送市信访局",
    ),
    EventKind.FILE: (events.filed("14-2-0001"), "立案，案号 14-2-0001"),
    EventKind.MERGE: (
        events.merged(7, "14-2-0003 关于停车的提案"),
        "并入提案《14-2-0003 关于停车的提案》",
    ),
    EventKind.MERGED_ALONG: (events.merged(7, "关于停车", along=True), "随主提案并入《关于停车》"),
    EventKind.MERGED_IN: (events.merged_in([8], "关于停车", ""), "提案《关于停车》并入本案"),
    EventKind.GROUP_CLOSED: (events.group_closed(7, "关于停车"), "主提案《关于停车》办结"),
    EventKind.TRANSFER: (
        events.transferred(9, 2, "小店区政协", "属区级事权"),
        "转交小店区政协：属区级事权",
    ),
    EventKind.TRANSFERRED_IN: (
        events.transferred_in(8, 1, "太原市政协", "属区级事权"),
        "由太原市政协转来：属区级事权",
    ),
    EventKind.ASSIGN: (
        events.assigned([(1, "市发改委", "lead"), (2, "市财政局", "co")]),
        "交办：主办 市发改委；会办 市财政局",
    ),
    EventKind.ACCEPT: (events.accepted(4, "市发改委"), "市发改委签收"),
    EventKind.REQUEST_REASSIGNMENT: (
        events.reassignment_requested(4, "市发改委", 2, "不属本单位职责"),
        "市发改委申请调整：不属本单位职责",
    ),
    EventKind.DECIDE_REASSIGNMENT: (
        events.reassignment_approved(2, 4, "市发改委", 6, "市住建局", "lead"),
        "同意市发改委的调整申请，改由市住建局主办",
    ),
    EventKind.COMMUNICATE: (
        events.communicated(4, "市发改委", 3, "before", "phone"),
        "市发改委办前沟通（电话）",
    ),
    EventKind.GIVE_OPINION: (events.opinion_given(4, "市财政局", 1), "市财政局提交会办意见"),
    EventKind.REPLY: (events.replied(4, "市发改委", 1, "A"), "市发改委答复（A类）"),
    EventKind.EXTEND: (
        events.extended(3, datetime.date(2025, 6, 10), datetime.date(2025, 7, 10), "需调研"),
        "答复期限由 2025-06-10 延至 2025-07-10：需调研",
    ),
    EventKind.MARK_KEY: (
        events.marked_key([1, 2], ["王一", "李二"]),
        "确定为重点提案，督办领导：王一、李二",
    ),
    EventKind.SUPERVISE: (events.supervised(1, "召开督办会"), "督办：召开督办会"),
    EventKind.URGE: (
        events.urged(4, "市教育局", datetime.date(2025, 6, 10), 12, 2),
        "催办市教育局（期限 2025-06-10，已逾期 12 个工作日），提醒 2 人",
    ),
    EventKind.FEEDBACK: (
        events.feedback_given(1, "satisfied", "basically_satisfied", closed=True),
        "反馈：沟通满意，结果基本满意；办结（第一提案人反馈基本满意）",
    ),
    EventKind.CLOSE: (
        events.closed_without_feedback(),
        "反馈期限已过，第一提案人未反馈；办结（按规则视为满意）",
    ),
    EventKind.DEADLINE_RECOMPUTED: (
        events.deadline_recomputed(
            3, "reply", datetime.date(2027, 2, 11), datetime.date(2027, 2, 18), "节假日更新", []
        ),
        "答复期限由 2027-02-11 调整为 2027-02-18：节假日更新",
    ),
    EventKind.AWARD_NOMINATE: (
        events.award(EventKind.AWARD_NOMINATE, 1, "2025年度"),
        "推荐参加“2025年度”",
    ),
    EventKind.AWARD_WITHDRAW: (
        events.award(EventKind.AWARD_WITHDRAW, 1, "2025年度", reason="重复"),
        "撤回“2025年度”的推荐：重复",
    ),
    EventKind.AWARD_SELECT: (
        events.award(EventKind.AWARD_SELECT, 1, "2025年度"),
        "在“2025年度”中拟评为优秀提案",
    ),
    EventKind.AWARD_UNSELECT: (
        events.award(EventKind.AWARD_UNSELECT, 1, "2025年度"),
        "在“2025年度”中取消拟评优秀提案",
    ),
    EventKind.AWARD_PUBLISH: (
        events.award(EventKind.AWARD_PUBLISH, 1, "2025年度"),
        "被评为“2025年度”优秀提案",
    ),
}


def test_every_kind_has_a_builder_and_renders_from_its_parameters():
    assert set(BUILT) == set(EventKind)
    for kind, (event, sentence) in BUILT.items():
        assert event.kind == kind
        assert event.text() == sentence, kind


def test_every_workflow_action_logs_a_known_kind():
    assert {a.name for a in workflow.ACTIONS} <= set(EventKind.values)


@pytest.mark.parametrize(
    "kind, data",
    [("reply", {}), ("assign", {"units": [[1]]}), ("nonsense", {"x": 1}), ("review", [])],
)
def test_odd_data_renders_the_kind_instead_of_failing(kind, data):
    expected = EventKind(kind).label if kind in EventKind.values else kind
    assert render(kind, data if isinstance(data, dict) else {}) == expected


def test_events_from_before_typed_events_keep_their_sentence():
    assert render("review", {"text": "不予立案：其他", "stage": "initial"}) == "不予立案：其他"


def _writes_events(tree: ast.AST) -> list[int]:
    """Lines that create ProposalEvent rows by hand (``.objects.create`` or the constructor)."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Name) and f.id == "ProposalEvent":
            lines.append(node.lineno)
        if (
            isinstance(f, ast.Attribute)
            and f.attr in {"create", "bulk_create"}
            and "ProposalEvent" in ast.unparse(f.value)
        ):
            lines.append(node.lineno)
    return lines


def test_only_the_one_writer_creates_events():
    # The demo world writes its 2023 history in bulk, from the same builders.
    allowed = {"proposals/models/log.py", "demo/audit_trail.py", "demo/history.py"}
    found = {}
    for app in ("proposals", "committees", "members", "cppcc", "demo"):
        for path in (ROOT / app).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel or rel in allowed:
                continue
            if lines := _writes_events(ast.parse(path.read_text(encoding="utf-8"))):
                found[rel] = lines
    assert found == {}


MIGRATION = importlib.import_module("proposals.migrations.0005_typed_events")


@pytest.mark.parametrize(
    "action, message, data, kind, sentence",
    [
        ("accept", "市发改委签收", {"assignment": 4}, "accept", None),
        (
            "reply",
            "市发改委答复（A类）",
            {"assignment": 4, "reply": 1, "classification": "A"},
            "reply",
            None,
        ),
        ("edit", "上传附件 调研报告.pdf", {"attachment": 1}, "attachment_added", None),
        ("merge", "随主提案并入《关于停车》", {"into": 7}, "merged_along", None),
        ("cosign", "邓晓涛 确认联名", {"member": 5}, "cosign", "确认联名"),
        ("supervise", "王一督办：召开督办会", {"supervision": 1}, "supervise", "督办：召开督办会"),
        (
            "assign",
            "交办：主办 市发改委；会办 市财政局",
            {"units": [[1, "lead"], [2, "co"]]},
            "assign",
            None,
        ),
        (
            "communicate",
            "市发改委办前沟通（电话）",
            {"assignment": 4, "communication": 3},
            "communicate",
            None,
        ),
        (
            "feedback",
            "张三反馈：沟通满意，结果不满意；转入重新办理（第2轮）",
            {"feedback": 1, "communication": "satisfied", "result": "dissatisfied"},
            "feedback",
            "反馈：沟通满意，结果不满意；转入重新办理（第2轮）",
        ),
        (
            "decide_reassignment",
            "同意市发改委的调整申请，改由市住建局主办",
            {"request": 2, "from": 4, "to": 6},
            "decide_reassignment",
            None,
        ),
        (
            "deadline_recomputed",
            "答复期限由 2027-02-11 调整为 2027-02-18：节假日更新",
            {"deadline": 3, "from": "2027-02-11", "to": "2027-02-18", "fallback_years": []},
            "deadline_recomputed",
            None,
        ),
        ("withdraw", "提案人撤回", {}, "withdraw", None),
        (
            "review",
            "初审：退回修改。建议不具体",
            {"stage": "initial", "decision": "return"},
            "review",
            None,
        ),
        ("award_withdraw", "撤回“2025年度”的推荐：重复", {"round": 1}, "award_withdraw", None),
    ],
)
def test_the_migration_turns_old_sentences_into_parameters(action, message, data, kind, sentence):
    new_kind, params = MIGRATION._parameters(action, message, data, {})
    assert new_kind == kind and "text" not in params
    assert render(new_kind, params) == (sentence or message)


def test_the_migration_keeps_a_sentence_it_cannot_parse():
    message = "不予立案：其他，作为意见建议转送市信访局"
    kind, params = MIGRATION._parameters("review", message, {"stage": "initial"}, {})
    assert (kind, params["text"], render(kind, params)) == ("review", message, message)
