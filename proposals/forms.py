"""Browser forms: one per workflow action, each feeding one service function.

Choices come from the proposal's committee and rule set; the services still
validate everything, and their DomainErrors are shown next to the named field.
"""

from __future__ import annotations

import json

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, HandlingUnit, Topic
from committees.rules import reply_class_codes
from cppcc import uploads
from members.models import Member, User
from members.roles import Role
from proposals import conditions
from proposals.choices import (
    Category,
    CommunicationKind,
    CommunicationMethod,
    ReviewDecision,
    ReviewStage,
    Satisfaction,
)
from proposals.domain import groups
from proposals.models import Proposal


def _units(proposal: Proposal):
    return HandlingUnit.objects.filter(committee_id=proposal.committee_id, is_active=True)


def unit_picker(field: forms.Field, units, placeholder: str) -> None:
    """A unit field as a searchable picker (static/js/picker.js) over a <select> whose
    options are grouped by kind and sorted by code (the plain form without JavaScript)."""
    units = units.order_by("kind", "code", "pk")
    labels = {kind: str(label) for kind, label in HandlingUnit.Kind.choices}
    grouped: dict[str, list] = {}
    for unit in units:
        grouped.setdefault(labels.get(unit.kind, unit.kind), []).append((unit.pk, unit.name))
    empty = [] if isinstance(field, forms.ModelMultipleChoiceField) else [("", "---------")]
    field.queryset = units
    field.widget.choices = [*empty, *grouped.items()]
    field.widget.attrs.update(
        {
            "data-picker": reverse("unit-list") + "?is_active=true",
            "data-picker-groups": json.dumps(labels, ensure_ascii=False),
            "data-picker-placeholder": placeholder,
        }
    )


class ProposalForm(forms.Form):
    """Writing a proposal. ``version`` detects a second tab editing the same draft."""

    title = forms.CharField(label=_("案由"), max_length=200)
    category = forms.ChoiceField(label=_("类别"), choices=[("", "---------"), *Category.choices])
    topic = forms.ModelChoiceField(label=_("子类"), queryset=Topic.objects.none(), required=False)
    background = forms.CharField(
        label=_("情况分析"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    suggestions = forms.CharField(
        label=_("具体建议"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    cosigners = forms.ModelMultipleChoiceField(
        label=_("联名委员"),
        queryset=Member.objects.none(),
        required=False,
        help_text=_("输入姓名、拼音首字母或委员编号查找；提交后将邀请他们确认。"),
        widget=forms.SelectMultiple(
            attrs={
                "data-picker-placeholder": _("输入姓名、拼音首字母（如 zzq）或委员编号"),
                "size": 6,
            }
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        committee_id = user.committee_id
        self.fields["topic"].queryset = Topic.objects.filter(committee_id=committee_id)
        self.fields["cosigners"].queryset = (
            Member.objects.filter(committee_id=committee_id, is_active=True)
            .exclude(user=user)
            .select_related("sector")
        )
        if not user.has_role(Role.MEMBER):
            del self.fields["cosigners"]
        else:
            self.fields["cosigners"].widget.attrs["data-picker"] = reverse("member-list")


class EmptyForm(forms.Form):
    def __init__(self, *args, proposal=None, assignment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal, self.assignment = proposal, assignment


class WithdrawForm(EmptyForm):
    reason = forms.CharField(label=_("撤回说明"), required=False)


class RemoveCosignerForm(EmptyForm):
    member = forms.TypedChoiceField(label=_("联名人"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [
            (c.member_id, str(c.member)) for c in conditions.pending_cosigners(self.proposal)
        ]


class ReviewForm(EmptyForm):
    stage = forms.ChoiceField(label=_("审查环节"), choices=ReviewStage.choices)
    decision = forms.ChoiceField(label=_("审查意见"), choices=ReviewDecision.choices)
    opinion = forms.CharField(
        label=_("审查说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    decline_ground = forms.ChoiceField(label=_("不予立案理由"), required=False)
    forward_to = forms.ModelChoiceField(
        label=_("作为意见建议转送"), queryset=HandlingUnit.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        p = self.proposal
        stage = conditions.next_review_stage(p)
        if stage:
            self.fields["stage"].initial = stage
        grounds = conditions.rules_of(p).decline_grounds
        self.fields["decline_ground"].choices = [("", "---------")] + [(g, g) for g in grounds]
        self.fields["forward_to"].queryset = _units(p)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["forward_to"] = data["forward_to"].pk if data["forward_to"] else None
        return data


class MergeForm(EmptyForm):
    into = forms.ModelChoiceField(label=_("并入的主提案"), queryset=Proposal.objects.none())
    comment = forms.CharField(label=_("说明"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (
            Proposal.objects.filter(
                committee_id=self.proposal.committee_id,
                state__in=groups.values(groups.MERGE_TARGETS),
                merged_into__isnull=True,
            )
            .exclude(pk=self.proposal.pk)
            .order_by("-id")
        )

    def service_kwargs(self) -> dict:
        return {"into": self.cleaned_data["into"].pk, "comment": self.cleaned_data["comment"]}


class TransferForm(EmptyForm):
    committee = forms.ModelChoiceField(label=_("转交给"), queryset=Committee.objects.none())
    reason = forms.CharField(label=_("转交理由"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.exclude(pk=self.proposal.committee_id)

    def service_kwargs(self) -> dict:
        return {
            "committee": self.cleaned_data["committee"].pk,
            "reason": self.cleaned_data["reason"],
        }


class AssignForm(EmptyForm):
    lead_unit = forms.ModelChoiceField(
        label=_("主办单位"), queryset=HandlingUnit.objects.none(), required=False
    )
    co_units = forms.ModelMultipleChoiceField(
        label=_("会办单位"), queryset=HandlingUnit.objects.none(), required=False
    )
    separate_units = forms.ModelMultipleChoiceField(
        label=_("分办单位"), queryset=HandlingUnit.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hint = _("输入单位名称、拼音首字母或代码")
        for name in ("lead_unit", "co_units", "separate_units"):
            unit_picker(self.fields[name], _units(self.proposal), hint)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "lead_unit": data["lead_unit"].pk if data["lead_unit"] else None,
            "co_units": [u.pk for u in data["co_units"]],
            "separate_units": [u.pk for u in data["separate_units"]],
        }


class ExtendForm(EmptyForm):
    due_date = forms.DateField(
        label=_("新的截止日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("延期理由"))


class MarkKeyForm(EmptyForm):
    supervisors = forms.ModelMultipleChoiceField(label=_("督办领导"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisors"].queryset = User.objects.filter(
            committee_id=self.proposal.committee_id, is_active=True, groups__name=Role.SUPERVISOR
        )

    def service_kwargs(self) -> dict:
        return {"supervisors": [u.pk for u in self.cleaned_data["supervisors"]]}


class SuperviseForm(EmptyForm):
    content = forms.CharField(label=_("督办情况"), widget=forms.Textarea(attrs={"rows": 3}))
    date = forms.DateField(
        label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class FeedbackForm(EmptyForm):
    communication = forms.ChoiceField(
        label=_("对沟通情况的满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    result = forms.ChoiceField(
        label=_("对办理结果的满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不满意时请说明理由。"),
    )


class ReasonForm(EmptyForm):
    reason = forms.CharField(label=_("申请理由"), widget=forms.Textarea(attrs={"rows": 3}))


class CommunicationForm(EmptyForm):
    kind = forms.ChoiceField(label=_("类型"), choices=CommunicationKind.choices)
    method = forms.ChoiceField(label=_("方式"), choices=CommunicationMethod.choices)
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))


class OpinionForm(EmptyForm):
    content = forms.CharField(label=_("会办意见"), widget=forms.Textarea(attrs={"rows": 4}))


class ReplyForm(EmptyForm):
    classification = forms.ChoiceField(label=_("答复分类"))
    content = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 6}))
    signed_by = forms.CharField(label=_("签发人"), required=False, max_length=60)
    attachment = forms.FileField(
        label=_("答复函（盖章扫描件）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": uploads.allowed_extensions("reply")}),
        help_text=_("PDF、OFD、Word、WPS 或图片"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rules = conditions.rules_of(self.proposal)
        labels = {c["code"]: c["label"] for c in rules.reply_classes}
        self.fields["classification"].choices = [("", "---------")] + [
            (code, f"{code}类：{labels[code]}") for code in reply_class_codes(rules)
        ]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("同意")), ("reject", _("驳回"))], widget=forms.HiddenInput
    )
    unit = forms.ModelChoiceField(
        label=_("改由承办单位"), queryset=HandlingUnit.objects.none(), required=False
    )
    note = forms.CharField(label=_("审批意见"), required=False)

    def __init__(self, *args, committee_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        units = HandlingUnit.objects.filter(committee_id=committee_id, is_active=True)
        unit_picker(self.fields["unit"], units, _("输入单位名称、拼音首字母或代码"))
