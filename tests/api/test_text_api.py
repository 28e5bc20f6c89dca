"""The text-intelligence endpoints: similar proposals for a text or a proposal, and the
suggested units (staff only)."""

from __future__ import annotations

import pytest

from tests.api.conftest import token_client
from tests.proposals.text.corpus import ELDERLY, ELDERLY_AGAIN, SCHOOLS, assigned_to, train, written

pytestmark = pytest.mark.django_db

API = "/api/v1/proposals/"


def test_similar_to_a_text_and_to_a_proposal(world):
    original = written(world, ELDERLY)
    written(world, SCHOOLS)
    twin = written(world, ELDERLY_AGAIN)
    train()
    staff = token_client(world.staff)
    found = staff.get(API + "similar/", {"text": ELDERLY_AGAIN["background"]})
    assert found.status_code == 200, found.content
    assert [row["id"] for row in found.json()][:2] == [twin.pk, original.pk]
    row = found.json()[0]
    assert set(row) == {
        "id", "number", "title", "state", "state_label", "session", "score", "openable",
        "reply_class", "reply_opening",
    }  # fmt: skip
    assert row["openable"] and row["session"]["name"] == "十四届二次会议"
    to_original = staff.get(f"{API}{original.pk}/similar/").json()
    assert [r["id"] for r in to_original] == [twin.pk]
    excluded = staff.get(
        API + "similar/", {"text": ELDERLY_AGAIN["background"], "exclude": twin.pk}
    )
    assert twin.pk not in [r["id"] for r in excluded.json()]


def test_similar_needs_a_text(world):
    answer = token_client(world.member.user).get(API + "similar/", {"text": " "})
    assert answer.status_code == 400
    assert answer.json()["errors"]["text"] == ["请提供要比对的文字（text）。"]
    assert token_client(world.member.user).get(API + "similar/").status_code == 400


def test_suggested_units_for_staff_only(world):
    assigned_to(world, ELDERLY, world.units[0])
    p = written(world, ELDERLY_AGAIN)
    train()
    answer = token_client(world.staff).get(f"{API}{p.pk}/suggested-units/")
    assert answer.status_code == 200, answer.content
    first = answer.json()["units"][0]
    assert first["unit"] == {"id": world.units[0].pk, "name": world.units[0].name}
    assert first["because"][0]["title"] == ELDERLY["title"]
    assert first["open_count"] == 1
    assert answer.json()["categories"][0]["code"] == "social"
    assert token_client(world.member.user).get(f"{API}{p.pk}/suggested-units/").status_code == 403
    assert token_client(world.supervisor).get(f"{API}{p.pk}/suggested-units/").status_code == 404
