"""The reminder log in the browser: on the proposal page for staff, the staff's reminder
page with its filters, the failed-delivery warning on the home page."""

from __future__ import annotations

import datetime
import re

import pytest

from proposals.choices import ReminderStatus
from proposals.models import Proposal, Reminder
from tests import flows
from tests.factories import World
from tests.helpers import logged_in
from tests.proposals.reminders.helpers import run, stage

D = datetime.date
DUE = D(2025, 6, 10)  # the reply due date of flows.assigned

pytestmark = pytest.mark.django_db


def person(w: World, role: str):
    found = getattr(w, role)
    return getattr(found, "user", found)


def section(page: str) -> str:
    """The detail page's reminder section ('' when it is not there)."""
    match = re.search(r'<section id="reminders".*?</section>', page, re.S)
    return match.group(0) if match else ""


def rows(html: str) -> list[str]:
    return re.findall(r'<tr class="reminder-.*?</tr>', html, re.S)


def proposal_level(p: Proposal, user, threshold: str = "before:3") -> Reminder:
    """A reminder about the proposal itself (feedback), not about an assignment."""
    return Reminder.objects.create(
        key=f"test:{p.pk}:{threshold}:{user.pk}",
        kind="feedback",
        threshold=threshold,
        audience="proposer",
        user=user,
        proposal=p,
        due_date=D(2025, 6, 13),
        for_date=D(2025, 6, 10),
        message="请及时反馈",
        channels=["in_app", "email", "sms"],
        skipped=["sms"],
    )


@pytest.mark.parametrize(
    ("threshold", "label"),
    [
        ("before:3", "到期前3个工作日"),
        ("before:15", "到期前15个工作日"),
        ("due", "到期当日"),
        ("overdue:5", "逾期5个工作日"),
        ("waiting:2", "等待2个工作日"),
        ("strange", "strange"),
    ],
)
def test_threshold_label(threshold, label):
    assert Reminder(threshold=threshold).threshold_label == label


def test_staff_see_the_reminders_of_each_assignment_on_the_proposal(client, world):
    p = flows.assigned(world)
    run(DUE)
    reply = Reminder.objects.get(proposal=p, kind="reply", user=world.lead_handler)
    stage(Reminder.objects.filter(pk=reply.pk), status="failed", last_error="SMTP 550")
    other = flows.assigned(world, title="别的提案")
    run(D(2025, 6, 11))  # reminders about the other proposal only
    assert Reminder.objects.filter(proposal=other).exists()
    feedback = proposal_level(p, world.member.user)  # pending: not delivered yet

    html = section(logged_in(client, world.staff).get(p.get_absolute_url()).content.decode())
    assert "催办提醒记录" in html
    # One row per reminder of this proposal, none of the other proposal's.
    assert len(rows(html)) == Reminder.objects.filter(proposal=p).count() == 4
    groups = re.findall(r"<h3>(.*?)</h3>", html)
    lead, co = world.units[0].name, world.units[1].name
    # Units in the order of the page's assignment table, then the proposal's own.
    assert sorted(groups[:2]) == sorted([f"{lead}（主办）", f"{co}（会办）"])
    assert groups[2] == "提案反馈与联名确认"

    by_group = dict(zip(groups, re.split(r"<h3>.*?</h3>", html)[1:], strict=True))
    failed = rows(by_group[f"{lead}（主办）"])
    assert len(failed) == 1
    assert 'class="reminder-failed"' in failed[0]
    for text in ("2025-06-10", "到期当日", "承办单位经办人", str(world.lead_handler), "发送失败"):
        assert text in failed[0], text
    assert "SMTP 550" in failed[0]
    assert '短信<small class="skipped">（无地址）</small>' in failed[0]
    co_rows = rows(by_group[f"{co}（会办）"])
    assert len(co_rows) == 2 and all("逾期40个工作日" in r for r in co_rows)
    assert all("已送达" in r for r in co_rows)
    assert any(str(world.co_handler) in r and "承办单位经办人" in r for r in co_rows)
    assert any(str(world.staff) in r and "提案委员会工作人员" in r for r in co_rows)
    (level,) = rows(by_group["提案反馈与联名确认"])
    assert "到期前3个工作日" in level and "提案人" in level and str(feedback.user) in level
    assert "待发送" in level and "—" in level  # not delivered yet


def test_a_retried_reminder_shows_its_error_and_next_attempt(client, world):
    p = flows.assigned(world)
    run(DUE)
    stage(
        Reminder.objects.filter(proposal=p, user=world.lead_handler),
        status="pending",
        attempts=1,
        last_error="email: timeout",
        next_attempt_at=datetime.datetime(2025, 6, 10, 9, 30, tzinfo=datetime.UTC),
    )
    html = section(logged_in(client, world.staff).get(p.get_absolute_url()).content.decode())
    (row,) = [r for r in rows(html) if "reminder-retrying" in r]
    assert "重试中（已失败 1 次）" in row and "email: timeout" in row and "下次重试" in row


@pytest.mark.parametrize("role", ["lead_handler", "member", "supervisor", "co_handler"])
def test_others_do_not_see_the_reminder_log(client, world, role):
    p = flows.assigned(world)
    run(DUE)
    response = logged_in(client, person(world, role)).get(p.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "催办提醒记录" not in page and 'id="reminders"' not in page


def test_admin_sees_the_log_too(client, world):
    p = flows.assigned(world)
    run(DUE)
    html = section(logged_in(client, world.admin).get(p.get_absolute_url()).content.decode())
    assert len(rows(html)) == 3


def test_staff_of_another_committee_cannot_open_it(client, world):
    p = flows.assigned(world)
    run(DUE)
    elsewhere = World.build(prefix="x")
    assert logged_in(client, elsewhere.staff).get(p.get_absolute_url()).status_code == 404


def test_detail_page_queries_do_not_grow_with_reminders(
    client, world, django_assert_max_num_queries
):
    p = flows.assigned(world)
    logged_in(client, world.staff)
    run(DUE)
    with django_assert_max_num_queries(80) as few:
        assert len(rows(section(client.get(p.get_absolute_url()).content.decode()))) == 3
    for day in (D(2025, 5, 19), D(2025, 6, 3), D(2025, 6, 9), D(2025, 6, 17), D(2025, 6, 24)):
        run(day)
    proposal_level(p, world.member.user)
    stage(Reminder.objects.filter(proposal=p, threshold="due"), status="failed", last_error="x")
    many = Reminder.objects.filter(proposal=p).count()
    assert many >= 12
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(p.get_absolute_url()).content.decode()
    assert len(rows(section(page))) == many


def test_reminder_page_lists_failed_ones_first_and_filters(client, world):
    p = flows.assigned(world, title="失败的提案")
    q = flows.assigned(world, title="顺利的提案")
    run(DUE)
    stage(
        Reminder.objects.filter(proposal=p, kind="reply"),
        status=ReminderStatus.FAILED,
        last_error="SMTP 550",
    )
    logged_in(client, world.staff)

    everything = client.get("/proposals/reminders/").content.decode()
    assert len(rows(everything)) == Reminder.objects.count() == 6
    assert p.title in everything and q.title in everything

    response = client.get("/proposals/reminders/?status=failed")
    assert response.status_code == 200
    page = response.content.decode()
    found = rows(page)
    assert len(found) == 1 and "reminder-failed" in found[0]
    assert p.title in found[0] and "SMTP 550" in found[0] and "到期当日" in found[0]
    assert f'href="{p.get_absolute_url()}"' in found[0]
    assert q.title not in page

    sent = rows(client.get("/proposals/reminders/?status=sent").content.decode())
    assert len(sent) == 5 and not any("reminder-failed" in r for r in sent)
    by_kind = rows(client.get("/proposals/reminders/?kind=co_opinion").content.decode())
    assert len(by_kind) == 4 and all("会办意见期限" in r for r in by_kind)
    by_unit = rows(client.get(f"/proposals/reminders/?unit={world.units[0].pk}").content.decode())
    assert len(by_unit) == 2 and all(world.units[0].name in r for r in by_unit)
    of_one = rows(client.get(f"/proposals/reminders/?proposal={q.pk}").content.decode())
    assert len(of_one) == 3 and all(q.title in r for r in of_one)


def test_reminder_page_filters_by_date_and_sorts(client, world):
    flows.assigned(world)
    run(D(2025, 6, 3))
    run(DUE)
    logged_in(client, world.staff)
    on_due = rows(client.get("/proposals/reminders/?date_from=2025-06-10").content.decode())
    assert len(on_due) == 3 and all("2025-06-10" in r for r in on_due)
    before = rows(client.get("/proposals/reminders/?date_to=2025-06-09").content.decode())
    assert len(before) == Reminder.objects.filter(for_date=D(2025, 6, 3)).count() > 0
    assert all("2025-06-03" in r for r in before)
    newest = rows(client.get("/proposals/reminders/?sort=date").content.decode())
    assert "2025-06-10" in newest[0] and "2025-06-03" in newest[-1]
    stage(Reminder.objects.filter(for_date=D(2025, 6, 3), kind="reply"), status="failed")
    first = rows(client.get("/proposals/reminders/?sort=failed").content.decode())[0]
    assert "reminder-failed" in first
    response = client.get("/proposals/reminders/?date_from=not-a-date")
    assert response.status_code == 200  # the form shows the error; the list is unfiltered
    assert len(rows(response.content.decode())) == Reminder.objects.count()


def test_reminder_page_shows_only_the_committees_reminders(client, world):
    flows.assigned(world, title="本会提案")
    elsewhere = World.build(prefix="x")
    flows.assigned(elsewhere, title="外会提案")
    run(DUE)
    ours = rows(logged_in(client, world.staff).get("/proposals/reminders/").content.decode())
    assert len(ours) == 3 and all("本会提案" in r for r in ours)
    theirs = rows(logged_in(client, elsewhere.staff).get("/proposals/reminders/").content.decode())
    assert len(theirs) == 3 and all("外会提案" in r for r in theirs)


@pytest.mark.parametrize("role", ["member", "lead_handler", "supervisor", "collective"])
def test_reminder_page_is_for_staff_only(client, world, role):
    flows.assigned(world)
    run(DUE)
    response = logged_in(client, person(world, role)).get("/proposals/reminders/")
    assert response.status_code == 403 and "无权访问" in response.content.decode()


def test_reminder_page_needs_a_login(client, world):
    response = client.get("/proposals/reminders/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_reminder_page_queries_do_not_grow(client, world, django_assert_max_num_queries):
    flows.assigned(world)
    run(DUE)
    logged_in(client, world.staff)
    with django_assert_max_num_queries(40) as few:
        client.get("/proposals/reminders/")
    for i in range(3):
        flows.assigned(world, title=f"更多{i}")
    run(D(2025, 6, 11))
    assert Reminder.objects.count() >= 12
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/proposals/reminders/").content.decode()
    assert len(rows(page)) == Reminder.objects.count()


def test_staff_nav_links_to_the_reminder_page(client, world):
    page = logged_in(client, world.staff).get("/").content.decode()
    assert 'href="/proposals/reminders/"' in page
    page = logged_in(client, world.member.user).get("/").content.decode()
    assert 'href="/proposals/reminders/"' not in page


def test_home_warns_staff_of_failed_reminders(client, world):
    p = flows.assigned(world)
    run(DUE)
    logged_in(client, world.staff)
    assert "提醒发送失败" not in client.get("/").content.decode()
    stage(
        Reminder.objects.filter(proposal=p).exclude(user=world.staff),
        status="failed",
        last_error="SMTP 550",
    )
    page = client.get("/").content.decode()
    assert "2 条提醒发送失败" in page
    assert 'href="/proposals/reminders/?status=failed"' in page
    elsewhere = World.build(prefix="x")
    assert "提醒发送失败" not in logged_in(client, elsewhere.staff).get("/").content.decode()
    # The person a failed reminder was for is not told about the staff's log.
    assert "提醒发送失败" not in logged_in(client, world.lead_handler).get("/").content.decode()


def test_a_long_log_links_to_the_full_list(client, world, monkeypatch):
    from proposals.views import notices

    monkeypatch.setattr(notices, "DETAIL_REMINDER_LIMIT", 2)
    p = flows.assigned(world)
    run(DUE)
    html = section(logged_in(client, world.staff).get(p.get_absolute_url()).content.decode())
    assert len(rows(html)) == 2 and "仅显示最近 2 条" in html
    assert f'href="/proposals/reminders/?proposal={p.pk}"' in html
    full = rows(client.get(f"/proposals/reminders/?proposal={p.pk}").content.decode())
    assert len(full) == 3
