"""The issue's "done when": one proposal's whole life, purely over HTTP, with tokens."""

from __future__ import annotations

from tests.api.conftest import token_client

API = "/api/v1"


def ok(response, code: int = 200) -> dict:
    assert response.status_code == code, (response.status_code, response.content)
    return response.data


def test_one_proposal_from_draft_to_closed_over_http(world):
    member = token_client(world.member.user)
    cosigner = token_client(world.cosigner.user)
    staff = token_client(world.staff)
    lead = token_client(world.lead_handler)
    co = token_client(world.co_handler)
    lead_unit, co_unit = world.units[0], world.units[1]

    # 撰写: the member drafts with a co-signer; only the proposer may submit it.
    draft = ok(
        member.post(
            f"{API}/proposals/",
            {
                "title": "关于加强社区养老服务的提案",
                "background": "老龄化加快……",
                "suggestions": "一、建设社区食堂；二、完善上门服务。",
                "category": "social",
                "cosigners": [world.cosigner.pk],
            },
            format="json",
        ),
        201,
    )
    pid = draft["id"]
    url = f"{API}/proposals/{pid}"
    assert draft["state"] == "draft"
    assert {"edit", "submit", "withdraw"} <= set(draft["allowed_actions"])
    assert [c["member"] for c in draft["cosigners"]] == [world.cosigner.pk]
    assert staff.get(f"{url}/").status_code == 404  # staff never see unsent drafts

    # 提交 → co-signer confirms (联名).
    submitted = ok(member.post(f"{url}/submit/"))
    assert submitted["state"] == "submitted"
    assert "submit" not in submitted["allowed_actions"]
    assert submitted["cosigners"][0]["status"] == "invited"
    assert {"cosign", "decline_cosign"} <= set(ok(cosigner.get(f"{url}/"))["allowed_actions"])
    staff_view = ok(staff.get(f"{url}/"))
    assert "review" not in staff_view["allowed_actions"]  # waits for the co-signer
    assert "remove_cosigner" in staff_view["allowed_actions"]

    cosigned = ok(cosigner.post(f"{url}/cosign/"))
    assert cosigned["cosigners"][0]["status"] == "confirmed"
    assert "cosign" not in cosigned["allowed_actions"]

    # 三审: initial, second, joint; "file" appears only after the last stage.
    for stage in ("initial", "second", "joint"):
        before = ok(staff.get(f"{url}/"))
        assert "review" in before["allowed_actions"]
        assert "file" not in before["allowed_actions"]
        reviewed = ok(
            staff.post(
                f"{url}/review/",
                {"stage": stage, "decision": "pass", "opinion": "同意"},
                format="json",
            )
        )
        assert reviewed["state"] == "under_review"
    assert [r["stage"] for r in reviewed["reviews"]] == ["initial", "second", "joint"]
    assert "file" in reviewed["allowed_actions"]
    assert "review" not in reviewed["allowed_actions"]
    assert reviewed["allowed_actions"] == ok(staff.get(f"{url}/"))["allowed_actions"]

    # 立案: a number is returned.
    filed = ok(staff.post(f"{url}/file/"))
    assert filed["state"] == "filed"
    assert filed["number"]
    assert "assign" in filed["allowed_actions"]
    number = filed["number"]

    # 交办: lead unit and one co-handling unit, with due dates.
    assigned = ok(
        staff.post(
            f"{url}/assign/",
            {"lead_unit": lead_unit.pk, "co_units": [co_unit.pk]},
            format="json",
        )
    )
    assert assigned["state"] == "assigned"
    by_role = {a["role"]: a for a in assigned["assignments"]}
    assert by_role["lead"]["unit"]["id"] == lead_unit.pk
    assert by_role["co"]["unit"]["id"] == co_unit.pk
    assert all(a["due_date"] for a in assigned["assignments"])
    lead_id, co_id = by_role["lead"]["id"], by_role["co"]["id"]

    lead_row = ok(lead.get(f"{API}/assignments/{lead_id}/"))
    assert set(lead_row["allowed_actions"]) == {"accept", "request_reassignment"}
    assert lead_row["reroute_until"] is not None
    assert [r["id"] for r in ok(lead.get(f"{API}/assignments/"))["results"]] == [lead_id]
    co_row = ok(co.get(f"{API}/assignments/{co_id}/"))
    assert "give_opinion" in co_row["allowed_actions"]
    assert "reply" not in co_row["allowed_actions"]

    # 会办意见, then the lead unit accepts (签收) and replies (答复) class B.
    opinion = ok(co.post(f"{API}/assignments/{co_id}/opinion/", {"content": "同意"}, format="json"))
    assert opinion["status"] == "opinion_given"
    accepted = ok(lead.post(f"{API}/assignments/{lead_id}/accept/"))
    assert accepted["status"] == "accepted"
    assert accepted["accepted_at"]
    assert "reply" in accepted["allowed_actions"]
    assert "accept" not in accepted["allowed_actions"]
    replied = ok(
        lead.post(
            f"{API}/assignments/{lead_id}/reply/",
            {"classification": "B", "content": "已列入明年计划。", "signed_by": "张局长"},
            format="json",
        )
    )
    assert replied["status"] == "replied"
    assert replied["proposal"]["state"] == "replied"

    # 反馈: dissatisfied → 重新办理.
    member_view = ok(member.get(f"{url}/"))
    assert member_view["state"] == "replied"
    assert "feedback" in member_view["allowed_actions"]
    assert [(r["classification"], r["round"]) for r in member_view["replies"]] == [("B", 1)]
    rehandling = ok(
        member.post(
            f"{url}/feedback/",
            {"communication": "satisfied", "result": "dissatisfied", "comment": "进度太慢"},
            format="json",
        )
    )
    assert rehandling["state"] == "rehandling"
    assert rehandling["handling_round"] == 2
    assert "feedback" not in rehandling["allowed_actions"]

    # The unit answers again, class A; the member is satisfied → 办结.
    again = ok(lead.get(f"{API}/assignments/{lead_id}/"))
    assert "reply" in again["allowed_actions"]
    ok(
        lead.post(
            f"{API}/assignments/{lead_id}/reply/",
            {"classification": "A", "content": "已建成社区食堂。"},
            format="json",
        )
    )
    assert ok(member.get(f"{url}/"))["state"] == "replied"
    closed = ok(
        member.post(
            f"{url}/feedback/",
            {"communication": "satisfied", "result": "satisfied", "comment": "感谢"},
            format="json",
        )
    )
    assert closed["state"] == "closed"
    assert closed["closed_at"]
    assert closed["number"] == number
    assert closed["allowed_actions"] == []
    assert [(r["classification"], r["round"]) for r in closed["replies"]] == [("B", 1), ("A", 2)]
    assert [(f["round"], f["result"]) for f in closed["feedback"]] == [
        (1, "dissatisfied"),
        (2, "satisfied"),
    ]
    assert ok(staff.get(f"{url}/"))["allowed_actions"] == []

    # 办理记录: every step, in order, with who did it.
    events = ok(member.get(f"{url}/events/"))
    assert [e["action"] for e in events] == [
        "create",
        "submit",
        "cosign",
        "review",
        "review",
        "review",
        "file",
        "assign",
        "give_opinion",
        "accept",
        "reply",
        "feedback",
        "reply",
        "feedback",
    ]
    assert [e["to_state"] for e in events] == [
        "draft",
        "submitted",
        "submitted",
        "under_review",
        "under_review",
        "under_review",
        "filed",
        "assigned",
        "assigned",
        "assigned",
        "replied",
        "rehandling",
        "replied",
        "closed",
    ]
    actors = [e["actor"]["id"] for e in events]
    assert actors == [
        world.member.user.pk,
        world.member.user.pk,
        world.cosigner.user.pk,
        world.staff.pk,
        world.staff.pk,
        world.staff.pk,
        world.staff.pk,
        world.staff.pk,
        world.co_handler.pk,
        world.lead_handler.pk,
        world.lead_handler.pk,
        world.member.user.pk,
        world.lead_handler.pk,
        world.member.user.pk,
    ]
    assert [e["data"].get("stage") for e in events[3:6]] == ["initial", "second", "joint"]
    assert events[6]["data"]["number"] == number
    assert [e["data"].get("classification") for e in (events[10], events[12])] == ["B", "A"]
