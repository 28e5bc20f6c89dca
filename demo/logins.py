"""The demo's accounts, one per role, and the table printed for whoever runs the demo."""

from __future__ import annotations

from dataclasses import dataclass

from members.roles import Role

DEMO_PASSWORD = "demo12345"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: Role
    committee: str  # committee code
    note: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "admin", "系统管理员", Role.ADMIN, "taiyuan", "超级管理员：管理后台、导入账号、规则与节假日"
    ),
    DemoLogin("staff", "李晓燕", Role.STAFF, "taiyuan", "市政协提案委员会办公室：审查、立案、交办"),
    DemoLogin("leader", "王建国", Role.SUPERVISOR, "taiyuan", "督办领导：领办督办重点提案"),
    DemoLogin("minge", "赵文华", Role.COLLECTIVE, "taiyuan", "民革太原市委会集体提案联系人"),
    DemoLogin("member", "张志强", Role.MEMBER, "taiyuan", "市政协委员：提案处于各个环节"),
    DemoLogin("cosigner", "刘慧敏", Role.MEMBER, "taiyuan", "市政协委员：有待确认的联名邀请"),
    DemoLogin("unit_fgw", "陈立新", Role.UNIT, "taiyuan", "市发展和改革委员会经办人：含超期提案"),
    DemoLogin("unit_jyj", "杨春梅", Role.UNIT, "taiyuan", "市教育局经办人：含待审批的调整申请"),
    DemoLogin("xd_staff", "郭丽娟", Role.STAFF, "xiaodian", "小店区政协提案工作人员"),
    DemoLogin("yz_staff", "冯海涛", Role.STAFF, "yingze", "迎泽区政协提案工作人员"),
)
DEMO_USERNAMES = frozenset(login.username for login in DEMO_LOGINS)


def login_table() -> list[str]:
    """The demo logins as printable lines (shared by ``seed_demo`` and ``rundemo``)."""
    lines = [f"演示账号（密码均为 {DEMO_PASSWORD}）："]
    for login in DEMO_LOGINS:
        lines.append(
            f"  {login.username:<10} {login.display_name:<6} {login.role.label}｜{login.note}"
        )
    return lines


# ---- the simulated clock ----------------------------------------------------------------------
