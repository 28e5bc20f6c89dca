"""Reference data owned by a committee (the tenant): sectors, organizations,
handling units, sessions, the rule set and calendar overrides."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Committee(models.Model):
    """A CPPCC body (太原市政协, 小店区政协 …): the tenant everything else belongs to."""

    class Level(models.TextChoices):
        CITY = "city", _("市级")
        COUNTY = "county", _("县（市、区）级")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices, default=Level.CITY)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级政协"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("政协")
        verbose_name_plural = _("政协")
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return self.name


class CommitteeOwned(models.Model):
    committee = models.ForeignKey(Committee, verbose_name=_("所属政协"), on_delete=models.PROTECT)

    class Meta:
        abstract = True


class Sector(CommitteeOwned):
    """界别: the constituency a member sits for."""

    code = models.CharField(_("代码"), max_length=20)
    name = models.CharField(_("名称"), max_length=60)

    class Meta:
        verbose_name = _("界别")
        verbose_name_plural = _("界别")
        ordering = ["committee", "code"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "code"], name="sector_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Organization(CommitteeOwned):
    """A collective proposer: party, people's organization, sector group or special committee."""

    class Kind(models.TextChoices):
        PARTY = "party", _("民主党派")
        PEOPLES_ORGANIZATION = "peoples_org", _("人民团体")
        SECTOR_GROUP = "sector_group", _("界别")
        SPECIAL_COMMITTEE = "special_committee", _("专门委员会")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    sector = models.ForeignKey(
        Sector, verbose_name=_("对应界别"), null=True, blank=True, on_delete=models.SET_NULL
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("集体提案单位")
        verbose_name_plural = _("集体提案单位")
        ordering = ["committee", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="organization_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class HandlingUnit(CommitteeOwned):
    """承办单位: a government department or district/county government that answers."""

    class Kind(models.TextChoices):
        MUNICIPAL_DEPARTMENT = "department", _("市直部门")
        COUNTY_GOVERNMENT = "county_gov", _("县（市、区）政府")
        OTHER = "other", _("其他单位")

    code = models.CharField(_("代码"), max_length=20)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["committee", "code"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "code"], name="unit_code_unique"),
            models.UniqueConstraint(fields=["committee", "name"], name="unit_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


CHINESE_NUMERALS = "〇一二三四五六七八九"


def chinese_number(value: int) -> str:
    """1..99 in Chinese numerals (十四, 二十一), as session names are written."""
    if value < 10:
        return CHINESE_NUMERALS[value]
    tens, ones = divmod(value, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens]
    return head + "十" + ("" if ones == 0 else CHINESE_NUMERALS[ones])


class SessionQuerySet(models.QuerySet):
    def for_date(self, committee: Committee, day: datetime.date) -> Session | None:
        """The session whose period holds ``day``: the last one whose plenary began by then.

        Proposals between plenaries belong to the period after the latest session.
        """
        return (
            self.filter(committee=committee, plenary_start__lte=day)
            .order_by("-plenary_start")
            .first()
        )


class Session(CommitteeOwned):
    """届次和会次, e.g. 十四届二次会议, with its plenary dates."""

    term = models.PositiveSmallIntegerField(_("届"), validators=[MinValueValidator(1)])
    meeting = models.PositiveSmallIntegerField(_("次"), validators=[MinValueValidator(1)])
    plenary_start = models.DateField(_("大会开幕日期"))
    plenary_end = models.DateField(_("大会闭幕日期"))

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("会次")
        verbose_name_plural = _("会次")
        ordering = ["committee", "term", "meeting"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "term", "meeting"], name="session_unique_per_committee"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{chinese_number(self.term)}届{chinese_number(self.meeting)}次会议"

    @property
    def year(self) -> int:
        return self.plenary_start.year

    def is_plenary(self, day: datetime.date) -> bool:
        return self.plenary_start <= day <= self.plenary_end

    def clean(self) -> None:
        if self.plenary_start and self.plenary_end and self.plenary_end < self.plenary_start:
            raise ValidationError({"plenary_end": _("闭幕日期不能早于开幕日期。")})


class Topic(CommitteeOwned):
    """A configurable sub-topic inside one of the five 建设 categories."""

    category = models.CharField(_("类别"), max_length=20)
    name = models.CharField(_("名称"), max_length=60)

    class Meta:
        verbose_name = _("提案子类")
        verbose_name_plural = _("提案子类")
        ordering = ["committee", "category", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "category", "name"], name="topic_unique_per_category"
            ),
        ]

    def __str__(self) -> str:
        return self.name


DEFAULT_REVIEW_STAGES = ["initial", "second", "joint"]
DEFAULT_DECLINE_GROUNDS = [
    "属于诉讼、仲裁、纪检监察等范围",
    "涉及个人私事或具体人事",
    "内容空泛、缺乏具体建议",
    "不属于本级政府职权范围",
    "已经解决或正在解决",
    "涉及党和国家秘密",
]
DEFAULT_REPLY_CLASSES = [
    {"code": "A", "label": "已解决或采纳"},
    {"code": "B", "label": "正在解决或列入计划"},
    {"code": "C", "label": "因条件限制留作参考"},
]


def default_review_stages() -> list[str]:
    return list(DEFAULT_REVIEW_STAGES)


def default_decline_grounds() -> list[str]:
    return list(DEFAULT_DECLINE_GROUNDS)


def default_reply_classes() -> list[dict[str, str]]:
    return [dict(item) for item in DEFAULT_REPLY_CLASSES]


class RuleSet(CommitteeOwned):
    """The committee's local rules, as data: deadlines, review stages, numbering, lists.

    One rule set per committee may apply to every session (``session`` empty); a
    session may carry its own. Every save bumps ``version`` and is logged, and open
    due dates are recomputed (see ``proposals.deadlines``).
    """

    class FeedbackTimeout(models.TextChoices):
        CLOSE = "close", _("视为满意并办结")

    session = models.ForeignKey(
        Session,
        verbose_name=_("适用会次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("留空则适用于本政协所有未单独设置规则的会次。"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    reroute_window_workdays = models.PositiveSmallIntegerField(
        _("申请调整期限（工作日）"), default=5, validators=[MinValueValidator(1)]
    )
    co_opinion_months = models.PositiveSmallIntegerField(
        _("会办意见期限（月）"), default=1, validators=[MinValueValidator(1)]
    )
    reply_months = models.PositiveSmallIntegerField(
        _("答复期限（月）"), default=3, validators=[MinValueValidator(1)]
    )
    reply_max_months = models.PositiveSmallIntegerField(
        _("延期后最长答复期限（月）"), default=6, validators=[MinValueValidator(1)]
    )
    rehandling_months = models.PositiveSmallIntegerField(
        _("重新办理期限（月）"), default=1, validators=[MinValueValidator(1)]
    )
    feedback_months = models.PositiveSmallIntegerField(
        _("反馈期限（月）"), default=1, validators=[MinValueValidator(1)]
    )
    reroute_restarts_clock = models.BooleanField(
        _("调整承办单位后重新计时"),
        default=True,
        help_text=_("是：新承办单位从重新交办之日起计算答复期限；否：沿用原交办日期。"),
    )
    extension_restarts_clock = models.BooleanField(
        _("延期后重新计时"),
        default=False,
        help_text=_("是：最长答复期限从批准延期之日起计算；否：从交办之日起计算。"),
    )
    rehandling_restarts_clock = models.BooleanField(
        _("重新办理重新计时"),
        default=True,
        help_text=_("是：从不满意反馈之日起计算重新办理期限；否：从原答复期限届满之日起计算。"),
    )
    feedback_timeout = models.CharField(
        _("逾期未反馈的处理"),
        max_length=10,
        choices=FeedbackTimeout.choices,
        default=FeedbackTimeout.CLOSE,
    )
    review_stages = models.JSONField(
        _("审查环节"),
        default=default_review_stages,
        help_text=_("按顺序列出：initial（初审）、second（复审）、joint（联审）。"),
    )
    number_format = models.CharField(
        _("立案编号格式"),
        max_length=60,
        default="{term}-{meeting}-{seq:04d}",
        help_text=_("可用字段：{term} 届、{meeting} 次、{year} 年份、{seq} 序号。"),
    )
    decline_grounds = models.JSONField(_("不予立案理由"), default=default_decline_grounds)
    reply_classes = models.JSONField(_("答复分类"), default=default_reply_classes)

    class Meta:
        verbose_name = _("规则设置")
        verbose_name_plural = _("规则设置")
        ordering = ["committee", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "session"],
                name="ruleset_unique_per_session",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        scope = self.session.name if self.session_id else _("默认")
        return f"{self.committee} · {scope} · v{self.version}"

    def clean(self) -> None:
        from committees.rules import validate_rule_set  # rules read these models

        validate_rule_set(self)


class CalendarEntry(models.Model):
    """A calendar fact for one committee, or (``committee`` empty) for all of them."""

    committee = models.ForeignKey(
        Committee,
        verbose_name=_("所属政协"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("留空则适用于所有政协。"),
    )

    class Meta:
        abstract = True


class CalendarOverride(CalendarEntry):
    """A published holiday or make-up workday entered by hand.

    Overrides win over the holiday package on their dates. A year the package does not
    know counts as known only once an administrator marks it complete
    (:class:`CalendarYear`); until then its due dates carry the Monday–Friday warning.
    ``committee`` empty means the entry applies to every committee.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日（休息）")
        WORKDAY = "workday", _("调休上班日")

    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "date"], name="calendar_override_unique", nulls_distinct=False
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class CalendarYear(CalendarEntry):
    """An administrator's word that a year's holidays and make-up days are all entered.

    Entering one day of a year says nothing about the others: only this row makes the
    year's other weekdays count as working days without a warning. ``committee`` empty
    means every committee.
    """

    year = models.PositiveSmallIntegerField(_("年份"))
    marked_by = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(_("确认时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已完整录入的年份")
        verbose_name_plural = _("已完整录入的年份")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "year"], name="calendar_year_unique", nulls_distinct=False
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)


class CommitteeEvent(models.Model):
    """Append-only log of changes to a committee's rules and calendar."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("规则变更记录")
        verbose_name_plural = _("规则变更记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
