"""Screen permissions have one home (members.capabilities): pages, the API and the
navigation ask it, templates name only capabilities that exist, and nothing outside
the few homes of role logic checks roles by hand."""

from __future__ import annotations

import re
from pathlib import Path

from members.capabilities import GRANTS, Capability, capabilities_of, may
from members.roles import Role
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
# Where roles are read directly: the roles themselves, the capability table, the workflow
# table and its actors, and which kind of proposer is writing.
ROLE_HOMES = {
    "members/roles.py",
    "members/models.py",
    "members/capabilities.py",
    "proposals/workflow.py",
    "proposals/actors.py",
    "proposals/services/drafting.py",
    "proposals/forms.py",
}


def test_templates_name_only_capabilities_that_exist():
    named = {
        name
        for path in (ROOT / "templates").rglob("*.html")
        for name in re.findall(r"\bcan\.(\w+)", path.read_text())
    }
    assert named and named <= {c.value for c in Capability}


def test_no_page_or_endpoint_checks_roles_by_hand():
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for package in ("cppcc", "committees", "members", "proposals")
        for path in (ROOT / package).rglob("*.py")
        if path.relative_to(ROOT).as_posix() not in ROLE_HOMES
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if "has_role(" in line and not line.lstrip().startswith(("def ", "#"))
    ]
    assert found == [], "ask members.capabilities.may instead:\n" + "\n".join(found)


def test_every_capability_is_granted_and_the_grants_read_as_the_procedure(db):
    assert set(GRANTS) == set(Capability)
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    unit = UserFactory(roles=[Role.UNIT])
    staff = UserFactory(roles=[Role.STAFF])
    assert may(supervisor, Capability.SEE_STATISTICS)
    assert not may(supervisor, Capability.DECIDE_REROUTING)
    assert may(unit, Capability.SEE_OWN_SCORECARD) and not may(unit, Capability.SEE_STATISTICS)
    assert may(staff, Capability.MANAGE_AWARDS) and not may(staff, Capability.ADMINISTER)
    assert capabilities_of(None) == {c.value: False for c in Capability}
