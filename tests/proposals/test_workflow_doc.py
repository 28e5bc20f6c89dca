"""docs/workflow.md is generated from the workflow table and checked for drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from proposals.choices import State
from proposals.management.commands.workflow_doc import DEFAULT_PATH, render
from proposals.workflow import ACTIONS


def test_committed_doc_is_current():
    call_command("workflow_doc", "--check")


def test_check_fails_when_file_differs(tmp_path: Path):
    path = tmp_path / "workflow.md"
    call_command("workflow_doc", "--path", str(path))
    call_command("workflow_doc", "--check", "--path", str(path))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("| `submit` | 提交", "| `submit` | 递交"), encoding="utf-8")
    with pytest.raises(CommandError, match="out of date"):
        call_command("workflow_doc", "--check", "--path", str(path))


def test_check_fails_when_file_is_missing(tmp_path: Path):
    with pytest.raises(CommandError, match="out of date"):
        call_command("workflow_doc", "--check", "--path", str(tmp_path / "absent.md"))


def test_doc_lists_every_state_and_action():
    text = render()
    assert text == DEFAULT_PATH.read_text(encoding="utf-8")
    for value, label in State.choices:
        assert f"| `{value}` | {label} |" in text
    rows = {line.split(" | ")[0]: line for line in text.splitlines() if line.startswith("| `")}
    for action in ACTIONS:
        row = rows[f"| `{action.name}`"]
        assert str(action.label) in row
        for actor in action.actors:
            assert str(actor.label) in row
        if action.needs_text:
            assert action.needs_text in row
    reply = rows["| `reply`"]
    assert "交办状态：办理中" in reply and "办理方式：主办、分办" in reply
    assert "审查中、退回修改、不予立案" in rows["| `review`"]
