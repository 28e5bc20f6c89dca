"""``/api/v1/reminders/``: read-only, scoped like the staff's log (staff: their committees'
reminders; everyone else: the reminders sent to them), filtered like the browser page."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from proposals.models import Reminder
from tests import flows
from tests.api.conftest import errors_of
from tests.proposals.reminders.helpers import run, stage

D = datetime.date
DUE = D(2025, 6, 10)  # the reply due date of flows.assigned
URL = "/api/v1/reminders/"

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.data["results"]}


def pks(**filters) -> set[int]:
    return set(Reminder.objects.filter(**filters).values_list("pk", flat=True))


@pytest.fixture
def both(world, elsewhere):
    """Reminders in two committees: three each on the reply due date."""
    p = flows.assigned(world, title="本会提案")
    q = flows.assigned(elsewhere, title="外会提案")
    run(DUE)
    return p, q


def test_staff_see_their_committees_reminders(as_user, world, elsewhere, both):
    _p, q = both
    ours = pks(proposal__committee=world.committee)
    assert len(ours) == 3 and ids(as_user(world.staff).get(URL)) == ours
    assert ids(as_user(world.admin).get(URL)) == ours
    assert ids(as_user(elsewhere.staff).get(URL)) == pks(proposal=q)


def test_staff_of_a_committee_without_reminders_see_none(as_user, world, elsewhere):
    flows.assigned(world)
    run(DUE)
    assert Reminder.objects.exists()
    response = as_user(elsewhere.staff).get(URL)
    assert ids(response) == set() and response.data["count"] == 0


def test_units_and_members_see_only_their_own(as_user, world, both):
    p, _q = both
    own = pks(user=world.lead_handler)
    assert len(own) == 1
    assert ids(as_user(world.lead_handler).get(URL)) == own
    assert ids(as_user(world.co_handler).get(URL)) == pks(user=world.co_handler)
    # Nothing was sent to the proposer on the due date: none of the log is theirs …
    assert ids(as_user(world.member.user).get(URL)) == set()
    assert ids(as_user(world.supervisor).get(URL)) == set()
    # … until a reminder is for them.
    mine = Reminder.objects.create(
        key="test:feedback",
        kind="feedback",
        threshold="before:3",
        audience="proposer",
        user=world.member.user,
        proposal=p,
        for_date=DUE,
        message="请及时反馈",
    )
    assert ids(as_user(world.member.user).get(URL)) == {mine.pk}
    assert mine.pk not in ids(as_user(world.lead_handler).get(URL))
    assert mine.pk in ids(as_user(world.staff).get(URL))


def test_one_reminder_in_full(as_user, world, both):
    reminder = Reminder.objects.get(user=world.lead_handler)
    stage(
        Reminder.objects.filter(pk=reminder.pk), status="failed", attempts=3, last_error="SMTP 550"
    )
    response = as_user(world.lead_handler).get(f"{URL}{reminder.pk}/")
    assert response.status_code == 200
    data = response.data
    assert list(data) == [
        "id",
        "kind",
        "threshold",
        "threshold_label",
        "audience",
        "user",
        "proposal",
        "assignment",
        "due_date",
        "for_date",
        "message",
        "channels",
        "skipped",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "emailed_at",
        "sms_sent_at",
        "sent_at",
        "created_at",
    ]
    assert data["kind"] == "reply" and data["threshold"] == "due"
    assert data["threshold_label"] == "到期当日"
    assert data["audience"] == "handler"
    assert data["user"] == {"id": world.lead_handler.pk, "name": str(world.lead_handler)}
    assert data["proposal"] == reminder.proposal_id
    assert data["assignment"] == reminder.assignment_id is not None
    assert data["due_date"] == data["for_date"] == "2025-06-10"
    assert data["message"] == reminder.message
    assert data["channels"] == ["in_app", "email", "sms"] and data["skipped"] == ["sms"]
    assert (data["status"], data["attempts"], data["last_error"]) == ("failed", 3, "SMTP 550")


def test_someone_elses_reminder_is_404(as_user, world, elsewhere, both):
    reminder = Reminder.objects.get(user=world.lead_handler)
    for user in (world.co_handler, world.member.user, elsewhere.staff):
        response = as_user(user).get(f"{URL}{reminder.pk}/")
        assert response.status_code == 404 and response.data["code"] == "not_found"
    assert as_user(world.staff).get(f"{URL}{reminder.pk}/").status_code == 200


def test_read_only(as_user, world, both):
    reminder = Reminder.objects.get(user=world.lead_handler)
    client = as_user(world.staff)
    assert client.post(URL, {}, format="json").status_code == 405
    assert (
        client.patch(f"{URL}{reminder.pk}/", {"status": "sent"}, format="json").status_code == 405
    )
    assert client.delete(f"{URL}{reminder.pk}/").status_code == 405


def test_needs_authentication(world, both):
    response = APIClient().get(URL)
    assert response.status_code in (401, 403) and "detail" in response.data


def test_filters(as_user, world, both):
    p, _q = both
    lead = flows.lead_assignment(p)
    stage(Reminder.objects.filter(assignment=lead), status="failed", last_error="SMTP 550")
    client = as_user(world.staff)
    failed = pks(assignment=lead)
    assert len(failed) == 1
    assert ids(client.get(URL, {"status": "failed"})) == failed
    assert ids(client.get(URL, {"status": ["failed", "sent"]})) == pks(proposal=p)
    assert ids(client.get(URL, {"status": "pending"})) == set()
    assert ids(client.get(URL, {"kind": "reply"})) == failed
    assert ids(client.get(URL, {"kind": "co_opinion"})) == pks(proposal=p, kind="co_opinion")
    assert ids(client.get(URL, {"audience": "staff"})) == pks(proposal=p, audience="staff")
    assert ids(client.get(URL, {"assignment": lead.pk})) == failed
    assert ids(client.get(URL, {"unit": world.units[0].pk})) == failed
    assert ids(client.get(URL, {"proposal": p.pk})) == pks(proposal=p)
    assert ids(client.get(URL, {"date_from": "2025-06-11"})) == set()
    assert ids(client.get(URL, {"date_from": "2025-06-10", "date_to": "2025-06-10"})) == pks(
        proposal=p
    )
    assert ids(client.get(URL, {"date_to": "2025-06-09"})) == set()


def test_filters_never_widen_the_scope(as_user, world, elsewhere, both):
    _p, q = both
    client = as_user(world.lead_handler)
    assert ids(client.get(URL, {"proposal": q.pk})) == set()
    assert ids(client.get(URL, {"unit": elsewhere.units[0].pk})) == set()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"kind": "nonsense"}, "kind"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"proposal": "0"}, "proposal"),
        ({"assignment": str(2**64)}, "assignment"),
    ],
)
def test_bad_filters_are_a_400_in_the_usual_shape(as_user, world, params, field):
    errors = errors_of(as_user(world.staff).get(URL, params))
    assert field in errors


def test_ordering(as_user, world):
    flows.assigned(world)
    run(D(2025, 6, 3))
    run(DUE)
    client = as_user(world.staff)
    newest = client.get(URL).data["results"]
    assert newest[0]["for_date"] == "2025-06-10" and newest[-1]["for_date"] == "2025-06-03"
    oldest = client.get(URL, {"ordering": "for_date"}).data["results"]
    assert oldest[0]["for_date"] == "2025-06-03"


def test_list_queries_do_not_grow_with_reminders(as_user, world, django_assert_max_num_queries):
    flows.assigned(world)
    run(DUE)
    client = as_user(world.staff)
    with django_assert_max_num_queries(10) as few:
        assert client.get(URL).data["count"] == 3
    for i in range(4):
        flows.assigned(world, title=f"更多{i}")
    run(D(2025, 6, 11))
    many = Reminder.objects.count()
    assert many >= 15
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL, {"page_size": 100}).data["results"]) == many


def test_the_schema_describes_reminders(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/v1/reminders/" in schema["paths"]
    assert "/api/v1/reminders/{id}/" in schema["paths"]
    fields = schema["components"]["schemas"]["Reminder"]["properties"]
    assert {"threshold_label", "user", "channels", "skipped", "status", "last_error"} <= set(fields)
