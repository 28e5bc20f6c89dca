"""Forms of the award pages. They parse and bound what people type; the rules (who,
when, which proposals, the rubric's and the scores' limits) are the service's, whose
errors the views put back on these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees.models import Session
from members.models import User
from proposals.models import AwardRound, Nomination, Proposal, default_rubric
from proposals.services.awards import MAX_QUOTA, RUBRIC_MAX_POINTS

RUBRIC_HELP = gettext_lazy("每行一项：标准|满分，例如“选题价值|30”。")


def rubric_text(rubric: list[dict]) -> str:
    return "\n".join(f"{c['label']}|{c['max']}" for c in rubric)


def parse_rubric(text: str, existing: list[dict]) -> list[dict]:
    """Turn "标准|满分" lines into rubric items. A criterion keeps the key it had (found by
    its label), new ones get ``c1``, ``c2``… Raises ``ValidationError`` naming the line."""
    known = {c["label"]: c["key"] for c in existing}
    used = set(known.values())
    items = []
    lines = [line.strip() for line in (text or "").splitlines()]
    for n, line in enumerate(lines, start=1):
        if not line:
            continue
        label, sep, top = (part.strip() for part in line.replace("｜", "|").rpartition("|"))
        if not sep or not label:
            raise forms.ValidationError(
                _("第 %(n)s 行应写成“标准|满分”。"), params={"n": n}, code="format"
            )
        if not top.isdigit() or not 1 <= int(top) <= RUBRIC_MAX_POINTS:
            raise forms.ValidationError(
                _("第 %(n)s 行的满分须为 1 至 %(m)s 的整数。"),
                params={"n": n, "m": RUBRIC_MAX_POINTS},
                code="max",
            )
        key = known.get(label)
        if key is None:
            i = len(items) + 1
            while f"c{i}" in used:
                i += 1
            key = f"c{i}"
        used.add(key)
        items.append({"key": key, "label": label, "max": int(top)})
    if not items:
        raise forms.ValidationError(_("请至少设置一项评分标准。"), code="required")
    return items


class ReviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        where = obj.unit or obj.organization
        return f"{obj}（{where}）" if where else str(obj)


class RoundForm(forms.Form):
    """Create or edit a round. Year, session and rubric are read-only once scoring began."""

    name = forms.CharField(label=gettext_lazy("评选名称"), max_length=100)
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    session = forms.ModelChoiceField(
        label=gettext_lazy("会次"),
        queryset=Session.objects.none(),
        required=False,
        empty_label=gettext_lazy("全年（不限会次）"),
    )
    quota = forms.IntegerField(
        label=gettext_lazy("评选名额"), min_value=1, max_value=MAX_QUOTA, initial=50
    )
    rubric = forms.CharField(
        label=gettext_lazy("评分标准"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=RUBRIC_HELP,
    )
    reviewers = ReviewerChoiceField(
        label=gettext_lazy("评审组成员"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=gettext_lazy(
            "可多选：智库专家、承办单位人员、工作人员等本政协账号。开始评审前须至少一位。"
        ),
    )

    def __init__(self, *args, committee_id: int, award_round: AwardRound | None = None, **kw):
        self.award_round = award_round
        if award_round is not None:
            kw.setdefault(
                "initial",
                {
                    "name": award_round.name,
                    "year": award_round.year,
                    "session": award_round.session_id,
                    "quota": award_round.quota,
                    "rubric": rubric_text(award_round.rubric),
                    "reviewers": [u.pk for u in award_round.reviewers.all()],
                },
            )
        super().__init__(*args, **kw)
        self.fields["session"].queryset = Session.objects.filter(
            committee_id=committee_id
        ).order_by("-plenary_start")
        self.fields["reviewers"].queryset = (
            User.objects.filter(committee_id=committee_id, is_active=True)
            .select_related("unit", "organization")
            .order_by("display_name", "username")
        )
        if award_round is None:
            self.fields["rubric"].initial = rubric_text(default_rubric())
        elif award_round.status != AwardRound.Status.NOMINATING:
            for name in ("year", "session", "rubric"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("评审开始后不能修改。")

    def clean_rubric(self) -> list[dict]:
        existing = self.award_round.rubric if self.award_round else []
        if self.fields["rubric"].disabled:
            return existing
        return parse_rubric(self.cleaned_data["rubric"], existing)


class NominateForm(forms.Form):
    """Nominate one proposal, picked from the search results on the round page."""

    proposal = forms.ModelChoiceField(
        label=gettext_lazy("提案"),
        queryset=Proposal.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": gettext_lazy("请从搜索结果中选择提案。")},
    )
    reason = forms.CharField(
        label=gettext_lazy("推荐理由"), required=False, max_length=2000, widget=forms.TextInput
    )

    def __init__(self, *args, award_round: AwardRound, **kw):
        super().__init__(*args, **kw)
        # The service decides eligibility and says why; here only "a proposal of this committee".
        self.fields["proposal"].queryset = Proposal.objects.filter(
            committee_id=award_round.committee_id
        )


class ScoreForm(forms.Form):
    """One reviewer's marks for one nomination: a number per rubric criterion and a comment."""

    def __init__(self, *args, rubric: list[dict], nomination: Nomination, **kw):
        kw.setdefault("prefix", f"n{nomination.pk}")
        super().__init__(*args, **kw)
        self.nomination = nomination
        self.rubric = rubric
        for c in rubric:
            self.fields[point_field(c["key"])] = forms.IntegerField(
                label=f"{c['label']}（{c['max']}）",
                min_value=0,
                max_value=c["max"],
                widget=forms.NumberInput(attrs={"min": 0, "max": c["max"], "step": 1}),
            )
        self.fields["comment"] = forms.CharField(
            label=gettext_lazy("评语"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def points(self) -> dict[str, int]:
        return {c["key"]: self.cleaned_data[point_field(c["key"])] for c in self.rubric}

    def point_fields(self):
        return [self[point_field(c["key"])] for c in self.rubric]


def point_field(key: str) -> str:
    """The form field of a rubric criterion; the service names it ``points.<key>``."""
    return f"points.{key}"


class SelectForm(forms.Form):
    nominations = forms.ModelMultipleChoiceField(
        label=gettext_lazy("选定优秀提案"),
        queryset=Nomination.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("所选提案不在本次评选的推荐名单中。"),
            "invalid_pk_value": gettext_lazy("所选提案不在本次评选的推荐名单中。"),
        },
    )

    def __init__(self, *args, award_round: AwardRound, **kw):
        super().__init__(*args, **kw)
        self.fields["nominations"].queryset = Nomination.objects.filter(round=award_round)
