"""Django admin: every page renders, committee scoping holds, rule and calendar
changes go through the configuration service (logged, due dates recomputed)."""

from __future__ import annotations

import datetime
import json

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from committees.models import CalendarOverride, CommitteeEvent, RuleSet, Topic
from committees.services import save_rule_set, set_calendar_days
from members.models import User
from members.tokens import issue as issue_token
from proposals.choices import DeadlineKind
from proposals.models import Deadline, Notification, Proposal, ProposalEvent
from tests import flows
from tests.factories import UserFactory, World

pytestmark = pytest.mark.django_db


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser() -> User:
    return UserFactory(is_superuser=True, is_staff=True, committee=None)


@pytest.fixture
def committee_admin(world: World) -> User:
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    return world.admin


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rule_set_post(rules: RuleSet, **changes) -> dict[str, str]:
    """The admin form's POST data for ``rules``, with ``changes`` applied."""
    values = {
        "committee": rules.committee_id,
        "session": rules.session_id or "",
        "reroute_window_workdays": rules.reroute_window_workdays,
        "co_opinion_months": rules.co_opinion_months,
        "reply_months": rules.reply_months,
        "reply_max_months": rules.reply_max_months,
        "rehandling_months": rules.rehandling_months,
        "feedback_months": rules.feedback_months,
        "feedback_timeout": rules.feedback_timeout,
        "reroute_restarts_clock": rules.reroute_restarts_clock,
        "extension_restarts_clock": rules.extension_restarts_clock,
        "rehandling_restarts_clock": rules.rehandling_restarts_clock,
        "review_stages": json.dumps(rules.review_stages),
        "number_format": rules.number_format,
        "decline_grounds": json.dumps(rules.decline_grounds, ensure_ascii=False),
        "reply_classes": json.dumps(rules.reply_classes, ensure_ascii=False),
        **changes,
    }
    data = {key: str(value) for key, value in values.items() if value is not False}
    for key, value in values.items():
        if value is True:
            data[key] = "on"
    # Fields with callable defaults carry a hidden initial value, as the browser sends it.
    for key in ("review_stages", "decline_grounds", "reply_classes"):
        data[f"initial-{key}"] = json.dumps(getattr(rules, key), ensure_ascii=False)
    data["_save"] = "保存"
    return data


def send_reminders_for(day: datetime.date) -> None:
    from proposals.reminders.delivery import deliver_many
    from proposals.reminders.sweep import sweep

    sweep(day, dispatch=deliver_many)


def reply_deadline(proposal: Proposal) -> Deadline:
    return flows.lead_assignment(proposal).deadlines.get(kind=DeadlineKind.REPLY, is_open=True)


def test_every_registered_model_renders_for_superuser(world, superuser):
    flows.assigned(world)
    send_reminders_for(datetime.date(2025, 6, 10))  # the reply due date: a Reminder row
    save_rule_set(None, RuleSet(committee=world.committee))
    set_calendar_days(None, world.committee, [(datetime.date(2025, 5, 1), "holiday", "劳动节")])
    Topic.objects.create(committee=world.committee, category="economic", name="数字经济")
    assert Notification.objects.exists()
    issue_token(superuser)  # one row for each admin page to open
    AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", failures_since_start=1)
    AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1")
    AccessLog.objects.create(username="x", ip_address="10.0.0.1")
    client = login(superuser)
    for model, model_admin in admin.site._registry.items():
        response = client.get(url(model, "changelist"))
        assert response.status_code == 200, model
        obj = model_admin.get_queryset(response.wsgi_request).first()
        assert obj is not None, f"no {model.__name__} row to open"
        response = client.get(url(model, "change", obj.pk))
        assert response.status_code == 200, model
        if model_admin.has_add_permission(response.wsgi_request):
            assert client.get(url(model, "add")).status_code == 200, model


def test_committee_admin_sees_only_own_committee(world, committee_admin):
    other = World.build(prefix="b")
    client = login(committee_admin)

    response = client.get(url(world.units[0].__class__, "changelist"))
    assert response.status_code == 200
    shown = set(response.context["cl"].result_list)
    assert shown == set(world.units)
    assert not shown & set(other.units)

    response = client.get(url(other.units[0].__class__, "change", other.units[0].pk))
    assert response.status_code in (302, 404)
    assert other.units[0].name not in response.content.decode()

    add = client.get(url(other.units[0].__class__, "add"))
    committee_field = add.context["adminform"].form.fields["committee"]
    assert list(committee_field.queryset) == [world.committee]

    # Posting another committee's id is rejected by the form, not saved.
    response = client.post(
        url(other.units[0].__class__, "add"),
        {"committee": other.committee.pk, "code": "X1", "name": "越权单位", "kind": "department"},
    )
    assert response.status_code == 200
    assert "committee" in response.context["adminform"].form.errors
    assert not other.committee.handlingunit_set.filter(code="X1").exists()


def test_committee_admin_pages_render(world, committee_admin):
    save_rule_set(None, RuleSet(committee=world.committee))
    client = login(committee_admin)
    request = client.get(reverse("admin:index")).wsgi_request
    opened = set()
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        assert client.get(url(model, "changelist")).status_code == 200, model
        obj = model_admin.get_queryset(request).first()
        if obj is not None:
            assert client.get(url(model, "change", obj.pk)).status_code == 200, model
            opened.add(model._meta.model_name)
        if model_admin.has_add_permission(request):
            assert client.get(url(model, "add")).status_code == 200, model
    assert {"handlingunit", "ruleset", "user", "member", "committeeevent"} <= opened
    assert not admin.site._registry[Proposal].has_view_permission(request)


def test_committee_admin_cannot_see_superusers(world, committee_admin, superuser):
    superuser.committee = world.committee
    superuser.save(update_fields=["committee"])
    client = login(committee_admin)
    response = client.get(url(User, "change", superuser.pk))
    assert response.status_code in (302, 404)
    response = client.get(url(User, "change", world.staff.pk))
    assert response.status_code == 200
    assert "is_superuser" not in response.context["adminform"].form.fields


def test_saving_rule_set_in_admin_bumps_version_logs_and_recomputes(world, committee_admin):
    rules = save_rule_set(None, RuleSet(committee=world.committee))
    proposal = flows.assigned(world)
    before = reply_deadline(proposal).due_date

    response = login(committee_admin).post(
        url(RuleSet, "change", rules.pk), rule_set_post(rules, reply_months=4)
    )

    assert response.status_code == 302
    rules.refresh_from_db()
    assert (rules.reply_months, rules.version) == (4, 2)
    event = CommitteeEvent.objects.get(
        committee=world.committee, action="rules_changed", data__version=2
    )
    assert event.actor == committee_admin
    assert event.data["changed"] == ["reply_months"]
    after = reply_deadline(proposal).due_date
    assert after > before
    assert ProposalEvent.objects.filter(proposal=proposal, action="deadline_recomputed").exists()


def test_invalid_rule_set_is_a_form_error(world, committee_admin):
    rules = save_rule_set(None, RuleSet(committee=world.committee))
    response = login(committee_admin).post(
        url(RuleSet, "change", rules.pk), rule_set_post(rules, reply_months=6, reply_max_months=2)
    )
    assert response.status_code == 200
    assert "reply_max_months" in response.context["adminform"].form.errors
    rules.refresh_from_db()
    assert (rules.reply_months, rules.version) == (3, 1)


def test_service_refusal_is_a_form_error_not_a_server_error(world):
    """A staff user given the model permission but not the admin role is refused by the service."""
    rules = save_rule_set(None, RuleSet(committee=world.committee))
    clerk = world.staff
    clerk.is_staff = True
    clerk.save(update_fields=["is_staff"])
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_ruleset", "change_ruleset"])
    )
    response = login(clerk).post(
        url(RuleSet, "change", rules.pk), rule_set_post(rules, reply_months=4)
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert any("系统管理员" in e for e in form.non_field_errors())
    assert response.context["adminform"].form["reply_months"].value() == "4"  # input kept
    rules.refresh_from_db()
    assert (rules.reply_months, rules.version) == (3, 1)


def test_service_field_error_lands_on_the_field(world, superuser):
    other = World.build(prefix="b")
    rules = save_rule_set(None, RuleSet(committee=world.committee))
    response = login(superuser).post(
        url(RuleSet, "change", rules.pk), rule_set_post(rules, session=other.session.pk)
    )
    assert response.status_code == 200
    assert "session" in response.context["adminform"].form.errors
    rules.refresh_from_db()
    assert (rules.session_id, rules.version) == (None, 1)
    assert not CommitteeEvent.objects.filter(action="rules_changed", data__version=2).exists()


def test_adding_calendar_override_in_admin_recomputes(world, committee_admin):
    proposal = flows.assigned(world)
    before = reply_deadline(proposal).due_date

    response = login(committee_admin).post(
        url(CalendarOverride, "add"),
        {
            "committee": world.committee.pk,
            "date": before.isoformat(),
            "kind": "holiday",
            "name": "临时休假",
        },
    )

    assert response.status_code == 302
    assert CalendarOverride.objects.filter(committee=world.committee, date=before).exists()
    assert CommitteeEvent.objects.filter(
        committee=world.committee, action="calendar_changed"
    ).exists()
    assert reply_deadline(proposal).due_date > before
    assert ProposalEvent.objects.filter(proposal=proposal, action="deadline_recomputed").exists()


def test_bulk_delete_of_calendar_overrides_goes_through_service(world, superuser):
    proposal = flows.assigned(world)
    due = reply_deadline(proposal).due_date
    [row] = set_calendar_days(None, world.committee, [(due, "holiday", "临时休假")])
    assert reply_deadline(proposal).due_date > due
    events = CommitteeEvent.objects.filter(action="calendar_changed").count()

    response = login(superuser).post(
        url(CalendarOverride, "changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not CalendarOverride.objects.filter(pk=row.pk).exists()
    assert CommitteeEvent.objects.filter(action="calendar_changed").count() == events + 1
    assert reply_deadline(proposal).due_date == due


def test_proposal_admin_is_read_only(world, superuser):
    proposal = flows.assigned(world)
    client = login(superuser)
    request = client.get(url(Proposal, "changelist")).wsgi_request
    for model in (Proposal, ProposalEvent, Notification):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
    assert client.get(url(Proposal, "add")).status_code == 403
    assert client.post(url(Proposal, "delete", proposal.pk), {"post": "yes"}).status_code == 403
    response = client.post(url(Proposal, "change", proposal.pk), {"title": "篡改"})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.title != "篡改"
    page = client.get(url(Proposal, "change", proposal.pk))
    assert page.status_code == 200
    assert "assign" in page.content.decode()  # the event inline lists the audit trail
