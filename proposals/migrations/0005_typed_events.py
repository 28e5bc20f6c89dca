"""Typed events: the sentence of each logged event becomes the parameters of its kind.

Events used to store a finished Chinese sentence (``message``) next to a few ids. The
sentence patterns below are the ones the services wrote until now (frozen here, as a
migration must not follow later code); each old sentence is parsed back into the
parameters ``proposals.domain.events`` renders from. A sentence that fits no pattern
keeps its words as ``data["text"]``, which the timeline shows as it was: nothing is lost.
"""

import re

from django.db import migrations, models

STAGES = {"初审": "initial", "复审": "second", "联审": "joint"}
ROLES = {"主办": "lead", "会办": "co", "分办": "separate"}
COMMUNICATION_KINDS = {"办前沟通": "before", "办中协商": "during", "办后回访": "after"}
METHODS = {"电话": "phone", "座谈": "meeting", "走访": "visit", "现场调研": "site", "其他": "other"}
DEADLINE_KINDS = {
    "申请调整期限": "reroute_window",
    "会办意见期限": "co_opinion",
    "答复期限": "reply",
    "反馈期限": "feedback",
}

# (old action, pattern) → new action; named groups become parameters.
PATTERNS = [
    ("edit", r"修改内容", "edit"),
    ("edit", r"上传附件 (?P<name>.+)", "attachment_added"),
    ("edit", r"删除附件 (?P<name>.+)", "attachment_removed"),
    ("create", r"创建草稿", "create"),
    ("submit", r"提交提案（.+）", "submit"),
    ("cosign", r"(?P<name>.+) 确认联名", "cosign"),
    ("decline_cosign", r"(?P<name>.+) 拒绝联名", "decline_cosign"),
    ("remove_cosigner", r"移除未确认的联名人 (?P<name>.+)", "remove_cosigner"),
    ("review", r"(?P<stage_label>初审|复审|联审)通过", "review"),
    ("review", r"(?P<stage_label>初审|复审|联审)：退回修改。(?P<opinion>.*)", "review"),
    ("file", r"立案，案号 (?P<number>.+)", "file"),
    ("merge", r"随主提案并入《(?P<title>.+)》", "merged_along"),
    ("merge", r"并入提案《(?P<title>.+)》", "merge"),
    ("merged_in", r"提案《(?P<title>.+)》并入本案", "merged_in"),
    ("group_closed", r"主提案《(?P<title>.+)》办结", "group_closed"),
    ("transfer", r"转交(?P<committee_name>.+?)：(?P<reason>.*)", "transfer"),
    ("transferred_in", r"由(?P<committee_name>.+?)转来：(?P<reason>.*)", "transferred_in"),
    ("accept", r"(?P<unit>.+)签收", "accept"),
    ("request_reassignment", r"(?P<unit>.+?)申请调整：(?P<reason>.*)", "request_reassignment"),
    (
        "decide_reassignment",
        r"同意(?P<unit>.+?)的调整申请，改由(?P<new_unit>.+)(?P<role_label>主办|会办|分办)",
        "decide_reassignment",
    ),
    ("decide_reassignment", r"驳回(?P<unit>.+?)的调整申请：(?P<note>.*)", "decide_reassignment"),
    (
        "communicate",
        r"(?P<unit>.+)(?P<kind_label>办前沟通|办中协商|办后回访)（(?P<method_label>.+)）",
        "communicate",
    ),
    ("give_opinion", r"(?P<unit>.+)提交会办意见", "give_opinion"),
    ("reply", r"(?P<unit>.+)答复（(?P<classification>.+)类）", "reply"),
    ("extend", r"答复期限由 \S+ 延至 \S+：(?P<reason>.*)", "extend"),
    ("mark_key", r"确定为重点提案，督办领导：(?P<names_text>.*)", "mark_key"),
    ("supervise", r".*?督办：(?P<content>.*)", "supervise"),
    ("feedback", r".*反馈：沟通.+，结果[^；]+(?P<outcome>；.*)?", "feedback"),
    ("close", r"反馈期限已过，第一提案人未反馈.*", "close"),
    (
        "deadline_recomputed",
        r"(?P<kind_label>\S+期限)由 \S+ 调整为 \S+：(?P<reason>.*)",
        "deadline_recomputed",
    ),
    (
        "deadline_recomputed",
        r"(?P<kind_label>\S+期限) \S+ 因(?P<reason>.*)重新核对，日期不变。",
        "deadline_recomputed",
    ),
    ("award_nominate", r"推荐参加“(?P<round_name>.+)”", "award_nominate"),
    ("award_withdraw", r"撤回“(?P<round_name>.+?)”的推荐(?:：(?P<reason>.*))?", "award_withdraw"),
    ("award_select", r"在“(?P<round_name>.+)”中拟评为优秀提案", "award_select"),
    ("award_unselect", r"在“(?P<round_name>.+)”中取消拟评优秀提案", "award_unselect"),
    ("award_publish", r"被评为“(?P<round_name>.+)”优秀提案", "award_publish"),
]
COMPILED = [(old, re.compile(rf"{p}\Z", re.S), new) for old, p, new in PATTERNS]


def _assign(message: str, data: dict) -> dict | None:
    """「交办：主办 甲局；会办 乙局」 with ``units`` [[id, role]] → [[id, name, role]]."""
    if not message.startswith("交办："):
        return None
    listed = message[len("交办：") :].split("；")
    units = data.get("units") or []
    if len(listed) != len(units):
        return None
    named = []
    for (pk, role), text in zip(units, listed, strict=True):
        label, _sep, name = text.partition(" ")
        if ROLES.get(label) != role:
            return None
        named.append([pk, name, role])
    return {**data, "units": named}


def _withdraw(message: str, data: dict) -> dict:
    return {**data, "reason": "" if message == "提案人撤回" else message}


def _parameters(action: str, message: str, data: dict, deadline_kinds: dict) -> tuple[str, dict]:
    if action == "assign":
        converted = _assign(message, data)
        return ("assign", converted) if converted else (action, {**data, "text": message})
    if action == "withdraw":
        return action, _withdraw(message, data)
    if action == "review" and message.startswith("不予立案"):
        return action, {**data, "decision": "decline", "text": message}
    for old, pattern, new in COMPILED:
        if old != action or not (match := pattern.match(message)):
            continue
        found = {k: v for k, v in match.groupdict().items() if v is not None}
        return new, _typed(new, {**data, **found}, deadline_kinds)
    return action, {**data, "text": message}


def _typed(kind: str, data: dict, deadline_kinds: dict) -> dict:
    """Labels parsed from the sentence back to the codes the renderer expects."""
    if "stage_label" in data:
        data["stage"] = data.get("stage") or STAGES[data.pop("stage_label")]
        data.setdefault("opinion", "")
    if "role_label" in data:
        data["role"] = ROLES[data.pop("role_label")]
        data["approved"] = True
    if kind == "decide_reassignment" and "note" in data:
        data["approved"] = False
    if kind == "communicate":
        data["kind"] = COMMUNICATION_KINDS[data.pop("kind_label")]
        data["method"] = METHODS.get(data.pop("method_label"), "other")
    if kind == "deadline_recomputed":
        label = data.pop("kind_label")
        data["kind"] = deadline_kinds.get(data.get("deadline")) or DEADLINE_KINDS.get(label, label)
    if "names_text" in data:
        data["names"] = [n for n in data.pop("names_text").split("、") if n]
    if kind == "feedback":
        outcome = data.pop("outcome", "") or ""
        found = re.search(r"第(\d+)轮", outcome)
        data["rehandling_round"] = int(found.group(1)) if found else None
        data["closed"] = "办结" in outcome
    if kind == "supervise":
        data["content"] = data["content"][:100]
    return data


def forwards(apps, schema_editor):
    Event = apps.get_model("proposals", "ProposalEvent")
    Deadline = apps.get_model("proposals", "Deadline")
    deadline_kinds = dict(Deadline.objects.values_list("pk", "kind"))
    changed = []
    for event in Event.objects.exclude(message="").iterator(chunk_size=2000):
        event.action, event.data = _parameters(
            event.action, event.message, dict(event.data or {}), deadline_kinds
        )
        changed.append(event)
        if len(changed) >= 2000:
            Event.objects.bulk_update(changed, ["action", "data"])
            changed = []
    Event.objects.bulk_update(changed, ["action", "data"])


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0004_file_names_and_types"),
    ]

    operations = [
        # Irreversible: once the sentence is gone only the parameters remain.
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="proposalevent", name="message"),
        migrations.AlterField(
            model_name="proposalevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "创建草稿"),
                    ("edit", "修改内容"),
                    ("attachment_added", "上传附件"),
                    ("attachment_removed", "删除附件"),
                    ("submit", "提交"),
                    ("withdraw", "撤回"),
                    ("cosign", "确认联名"),
                    ("decline_cosign", "拒绝联名"),
                    ("remove_cosigner", "移除联名人"),
                    ("review", "审查"),
                    ("file", "立案"),
                    ("merge", "并案"),
                    ("merged_along", "随主提案并案"),
                    ("merged_in", "并入本案"),
                    ("group_closed", "主提案办结"),
                    ("transfer", "转交"),
                    ("transferred_in", "转来"),
                    ("assign", "交办"),
                    ("accept", "签收"),
                    ("request_reassignment", "申请调整"),
                    ("decide_reassignment", "审批调整申请"),
                    ("communicate", "沟通"),
                    ("give_opinion", "会办意见"),
                    ("reply", "答复"),
                    ("extend", "延期"),
                    ("mark_key", "确定重点提案"),
                    ("supervise", "督办"),
                    ("feedback", "反馈"),
                    ("close", "办结"),
                    ("deadline_recomputed", "期限重算"),
                    ("award_nominate", "推荐评优"),
                    ("award_withdraw", "撤回评优推荐"),
                    ("award_select", "拟评优秀"),
                    ("award_unselect", "取消拟评优秀"),
                    ("award_publish", "评为优秀提案"),
                ],
                max_length=40,
                verbose_name="操作",
            ),
        ),
    ]
