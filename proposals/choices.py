"""Enumerations shared by models, the workflow, forms and the API."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    UNDER_REVIEW = "under_review", _("审查中")
    RETURNED = "returned", _("退回修改")
    WITHDRAWN = "withdrawn", _("已撤回")
    DECLINED = "declined", _("不予立案")
    MERGED = "merged", _("已并案")
    TRANSFERRED = "transferred", _("已转交")
    FILED = "filed", _("已立案")
    ASSIGNED = "assigned", _("办理中")
    REPLIED = "replied", _("已答复")
    REHANDLING = "rehandling", _("重新办理")
    CLOSED = "closed", _("已办结")


class Category(models.TextChoices):
    ECONOMIC = "economic", _("经济建设")
    POLITICAL = "political", _("政治建设")
    CULTURAL = "cultural", _("文化建设")
    SOCIAL = "social", _("社会建设")
    ECOLOGICAL = "ecological", _("生态文明建设")


class Source(models.TextChoices):
    MEMBER = "member", _("委员提案")
    COLLECTIVE = "collective", _("集体提案")


class Kind(models.TextChoices):
    PLENARY = "plenary", _("大会提案")
    REGULAR = "regular", _("平时提案")


class CosignerStatus(models.TextChoices):
    INVITED = "invited", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DECLINED = "declined", _("已拒绝")
    REMOVED = "removed", _("已移除")


class ReviewStage(models.TextChoices):
    INITIAL = "initial", _("初审")
    SECOND = "second", _("复审")
    JOINT = "joint", _("联审")


class ReviewDecision(models.TextChoices):
    PASS = "pass", _("通过")
    RETURN = "return", _("退回修改")
    DECLINE = "decline", _("不予立案")


class UnitRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("会办")
    SEPARATE = "separate", _("分办")


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("待签收")
    ACCEPTED = "accepted", _("办理中")
    REROUTE_REQUESTED = "reroute_requested", _("申请调整中")
    REROUTED = "rerouted", _("已调整")
    OPINION_GIVEN = "opinion_given", _("已提会办意见")
    REPLIED = "replied", _("已答复")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REJECTED = "rejected", _("已驳回")


class CommunicationKind(models.TextChoices):
    BEFORE = "before", _("办前沟通")
    DURING = "during", _("办中协商")
    AFTER = "after", _("办后回访")


class CommunicationMethod(models.TextChoices):
    PHONE = "phone", _("电话")
    MEETING = "meeting", _("座谈")
    VISIT = "visit", _("走访")
    SITE = "site", _("现场调研")
    OTHER = "other", _("其他")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class DeadlineKind(models.TextChoices):
    REROUTE_WINDOW = "reroute_window", _("申请调整期限")
    CO_OPINION = "co_opinion", _("会办意见期限")
    REPLY = "reply", _("答复期限")
    FEEDBACK = "feedback", _("反馈期限")


class ReminderKind(models.TextChoices):
    REROUTE_WINDOW = "reroute_window", _("申请调整期限")
    CO_OPINION = "co_opinion", _("会办意见期限")
    REPLY = "reply", _("答复期限")
    FEEDBACK = "feedback", _("反馈期限")
    COSIGN = "cosign", _("联名确认")


class ReminderAudience(models.TextChoices):
    HANDLER = "handler", _("承办单位经办人")
    LEADER = "leader", _("承办单位分管领导")
    STAFF = "staff", _("提案委员会工作人员")
    SUPERVISORS = "supervisors", _("督办领导")
    PROPOSER = "proposer", _("提案人")
    COSIGNER = "cosigner", _("联名人")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已送达")
    FAILED = "failed", _("发送失败")


class AwardStatus(models.TextChoices):
    """An award round (优秀提案评选); its steps: ``proposals.domain.award_rounds``."""

    NOMINATING = "nominating", _("推荐中")
    SCORING = "scoring", _("评审中")
    PUBLISHED = "published", _("已公布")
