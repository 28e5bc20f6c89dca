"""Users (one custom model from the first migration) and members (委员)."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.roles import Role, has_role


class User(AbstractUser):
    """Anyone who logs in. Belongs to one committee (the tenant), and, by role,
    to a handling unit or a collective proposer."""

    class UnitPosition(models.TextChoices):
        HANDLER = "handler", _("经办人")
        LEADER = "leader", _("分管领导")

    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("手机"), max_length=30, blank=True)
    committee = models.ForeignKey(
        "committees.Committee",
        verbose_name=_("所属政协"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    unit = models.ForeignKey(
        "committees.HandlingUnit",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    unit_position = models.CharField(
        _("单位职务"), max_length=10, choices=UnitPosition.choices, blank=True
    )
    organization = models.ForeignKey(
        "committees.Organization",
        verbose_name=_("集体提案单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def has_role(self, *roles: Role) -> bool:
        return has_role(self, *roles)

    def save(self, *args, **kwargs) -> None:
        # ``set_password`` leaves the new raw password here until the save; a disabled
        # password (``set_unusable_password``) ends API access too.
        password_changed = self._password is not None or not self.has_usable_password()
        super().save(*args, **kwargs)
        if self.pk and (password_changed or not self.is_active):
            # A new password or a deactivation ends every API session, not only browser ones.
            ApiToken.objects.filter(user_id=self.pk).delete()

    def clean(self) -> None:
        super().clean()
        if self.unit_id and self.committee_id and self.unit.committee_id != self.committee_id:
            raise ValidationError({"unit": _("承办单位不属于该用户所在的政协。")})
        if (
            self.organization_id
            and self.committee_id
            and self.organization.committee_id != self.committee_id
        ):
            raise ValidationError({"organization": _("集体提案单位不属于该用户所在的政协。")})


class Member(models.Model):
    """委员: a member of one committee, who proposes and co-signs."""

    user = models.OneToOneField(
        User, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="member"
    )
    committee = models.ForeignKey(
        "committees.Committee",
        verbose_name=_("所属政协"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    name = models.CharField(_("姓名"), max_length=60)
    number = models.CharField(_("委员编号"), max_length=20)
    sector = models.ForeignKey(
        "committees.Sector",
        verbose_name=_("界别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    party = models.CharField(_("党派"), max_length=40, blank=True)
    special_committee = models.ForeignKey(
        "committees.Organization",
        verbose_name=_("所在专门委员会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("通讯地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("在任"), default=True)

    class Meta:
        verbose_name = _("委员")
        verbose_name_plural = _("委员")
        ordering = ["committee", "number"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="member_number_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """An API token (``Authorization: Token <key>``), one per user.

    Revoked when its owner changes password or is deactivated (``User.save``), when its
    owner logs out over the API, and when it lies unused for ``API_TOKEN_IDLE_DAYS``.
    """

    key = models.CharField(_("令牌"), max_length=40, primary_key=True)
    user = models.OneToOneField(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_token"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), default=timezone.now)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.user} · {self.key[:6]}…"

    @staticmethod
    def new_key() -> str:
        return secrets.token_hex(20)


class SavedFilter(models.Model):
    """常用筛选: a list's filters saved under a name by one user, offered as a chip above
    that list (``path``) from then on. A preference, not a record: it is nobody else's."""

    MAX_PER_LIST = 20

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_filters")
    path = models.CharField(_("列表"), max_length=200)
    name = models.CharField(_("名称"), max_length=40)
    query = models.CharField(_("筛选条件"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("常用筛选")
        verbose_name_plural = _("常用筛选")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "path", "name"], name="saved_filter_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{self.path}?{self.query}"
