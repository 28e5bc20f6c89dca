"""State and unit-role groups have one home (proposals.domain.groups): no other module
spells a group out again, and the groups mean what the workflow table does."""

from __future__ import annotations

import ast
from pathlib import Path

from proposals import workflow
from proposals.choices import State
from proposals.domain import groups

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("cppcc", "committees", "members", "proposals")
# The enums themselves, the groups, and the workflow table (which lists each action's
# states: that is its job).
HOMES = {"proposals/choices.py", "proposals/domain/groups.py", "proposals/workflow.py"}


def production_modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative and relative not in HOMES:
                yield relative, ast.parse(path.read_text(), relative)


def enum_members(node: ast.AST) -> list[str]:
    """``State.X`` / ``UnitRole.X`` / ``DeadlineKind.X`` elements of a literal collection."""
    if not isinstance(node, ast.Tuple | ast.List | ast.Set):
        return []
    return [
        f"{e.value.id}.{e.attr}"
        for e in node.elts
        if isinstance(e, ast.Attribute)
        and isinstance(e.value, ast.Name)
        and e.value.id in ("State", "UnitRole", "DeadlineKind")
    ]


def test_no_module_spells_out_a_group_of_states_or_unit_roles_again():
    found = []
    for relative, tree in production_modules():
        for node in ast.walk(tree):
            members = enum_members(node)
            if len(members) >= 2:
                found.append(f"{relative}:{node.lineno} {members}")
    assert found == [], "use proposals.domain.groups instead:\n" + "\n".join(found)


def test_the_groups_agree_with_the_workflow_table():
    # A proposal may be edited (and its attachments changed) exactly in EDITABLE states.
    assert workflow.BY_NAME["edit"].sources == groups.EDITABLE
    # Filing and merging happen only before FILED; nothing leaves ENDED.
    assert not workflow.BY_NAME["file"].sources & groups.FILED
    for action in workflow.ACTIONS:
        assert not action.sources & (groups.ENDED - {State.CLOSED}), action.name
    assert groups.HANDLING < groups.FILED and groups.EDITABLE.isdisjoint(groups.FILED)
