"""The top bar, grouped by task, declared once: each link names the capability that
shows it (``members.capabilities``), so the bar, the pages and the API agree on who
may go where. A group without a link for the user is not shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.capabilities import Capability as C
from members.capabilities import may


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    needs: C | None = None  # None: every signed-in user
    unless: C | None = None  # hidden when the user has this (a wider link replaces it)
    staff_site: bool = False  # Django's admin: is_staff accounts only

    def shown_to(self, user) -> bool:
        if self.staff_site and not user.is_staff:
            return False
        if self.unless is not None and may(user, self.unless):
            return False
        return self.needs is None or may(user, self.needs)


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    links: tuple[Link, ...]
    # URL prefixes that belong to the group (the group is shown as the current one).
    paths: tuple[str, ...] = ()


GROUPS = (
    Group(
        "proposals",
        _("提案"),
        (
            Link(_("全部提案"), "proposals:list"),
            Link(_("撰写提案"), "proposals:create", C.WRITE_PROPOSALS),
            Link(_("并案建议"), "proposals:merge_suggestions", C.ROUTE_PROPOSALS),
            Link(_("优秀提案"), "awards:index"),
            Link(_("导出"), "exports:index"),
        ),
        ("/proposals/", "/awards/", "/exports/"),
    ),
    Group(
        "handling",
        _("办理"),
        (
            Link(_("办理工作台"), "proposals:inbox", C.HANDLE_ASSIGNMENTS),
            Link(_("调整申请"), "proposals:requests", C.LIST_REROUTING),
            Link(_("超期督办"), "proposals:overdue", C.SEE_OVERDUE_BOARD),
            Link(_("重点提案"), "proposals:supervision", C.SEE_KEY_PROPOSALS),
            Link(_("催办提醒"), "proposals:reminders", C.SEE_REMINDER_LOG),
        ),
        (
            "/proposals/assignments/",
            "/proposals/reassignment-requests/",
            "/proposals/overdue/",
            "/proposals/key/",
            "/proposals/reminders/",
        ),
    ),
    Group(
        "reports",
        _("统计与报告"),
        (
            Link(_("统计分析"), "dashboard:index", C.SEE_STATISTICS),
            Link(_("数据大屏"), "dashboard:screen", C.SEE_STATISTICS),
            Link(_("年度报告"), "reports:annual", C.SEE_STATISTICS),
            Link(_("考核评价"), "reports:scorecard", C.SEE_STATISTICS),
            Link(_("本单位考核"), "reports:scorecard", C.SEE_OWN_SCORECARD, C.SEE_STATISTICS),
        ),
        ("/statistics/", "/reports/"),
    ),
    Group(
        "admin",
        _("管理"),
        (
            Link(_("导入账号"), "members:import", C.ADMINISTER),
            Link(_("规则设置"), "committees:rules", C.ADMINISTER),
            Link(_("节假日"), "committees:calendar", C.ADMINISTER),
            Link(_("管理后台"), "admin:index", staff_site=True),
        ),
        ("/people/", "/settings/", "/admin/"),
    ),
)


def menu(user, path: str) -> list[dict]:
    """The groups the user sees, each with its links and whether it is the current one
    (the longest matching prefix wins: the inbox is 办理, not 提案)."""
    best = max(
        ((len(prefix), g.key) for g in GROUPS for prefix in g.paths if path.startswith(prefix)),
        default=(0, ""),
    )[1]
    shown = []
    for group in GROUPS:
        links = [
            {"label": link.label, "url": reverse(link.url_name)}
            for link in group.links
            if link.shown_to(user)
        ]
        if links:
            shown.append(
                {
                    "key": group.key,
                    "label": group.label,
                    "links": links,
                    "current": group.key == best,
                }
            )
    return shown
