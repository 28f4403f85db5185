"""Choice lists of the case engine. Codes the national standard defines keep its values:
案件状态 AJZT (A31), 审核意见操作结果 CZJG (A37), 收件类型 SJLX (A40), 收费类型 SFLX (A39)."""

from django.db import models


class CaseStatus(models.TextChoices):
    """案件状态 (AJZT)."""

    RUNNING = "1", "在办"
    DONE = "2", "已办"
    SUSPENDED = "3", "暂停"
    REFUSED = "4", "不予登记"
    WITHDRAWN = "5", "用户撤回"


class Stage(models.TextChoices):
    """Where the case is: the work that is pending, or how it ended.

    `accepted` is a case just accepted and not yet reviewed; `review` one whose review is under
    way (a later review level, or sent back). The clock stops (办结) when a case reaches `issue`
    (or `archive` when the business issues nothing).
    """

    INTAKE = "intake", "收件"
    ACCEPTED = "accepted", "已受理"
    REVIEW = "review", "审核"
    REGISTER = "register", "登簿"
    CERTIFY = "certify", "缮证"
    ISSUE = "issue", "发证"
    ARCHIVE = "archive", "待归档"
    ARCHIVED = "archived", "已归档"
    REFUSED = "refused", "不予受理/不予登记"
    WITHDRAWN = "withdrawn", "已撤回"


OPEN_STAGES = frozenset(
    {
        Stage.INTAKE,
        Stage.ACCEPTED,
        Stage.REVIEW,
        Stage.REGISTER,
        Stage.CERTIFY,
        Stage.ISSUE,
        Stage.ARCHIVE,
    }
)
# Stages before 登簿, where the applicant may still withdraw and materials may still arrive.
BEFORE_REGISTER = frozenset({Stage.INTAKE, Stage.ACCEPTED, Stage.REVIEW, Stage.REGISTER})


class StepKind(models.TextChoices):
    ACCEPT = "accept", "受理"
    REVIEW = "review", "审核"
    REGISTER = "register", "登簿"
    CERTIFY = "certify", "缮证"
    ISSUE = "issue", "发证"
    ARCHIVE = "archive", "归档"


# The console page whose write permission each step needs.
STEP_PAGES: dict[str, str] = {
    StepKind.ACCEPT: "cases.accept",
    StepKind.REVIEW: "cases.review",
    StepKind.REGISTER: "cases.record",
    StepKind.CERTIFY: "cases.certify",
    StepKind.ISSUE: "cases.certify",
    StepKind.ARCHIVE: "cases.certify",
}


class OpinionResult(models.TextChoices):
    """审核意见操作结果 (CZJG)."""

    APPROVE = "1", "同意"
    RETURN = "2", "回退"
    REJECT = "3", "退件"
    TRANSFER = "4", "转件"


class MaterialForm(models.TextChoices):
    """收件类型 (SJLX)."""

    ORIGINAL = "1", "原件正本"
    COPY = "2", "正本复印件"
    DUPLICATE = "3", "原件副本"
    DUPLICATE_COPY = "4", "副本复印件"
    MANUSCRIPT = "5", "手稿"
    OTHER = "99", "其他"


class FeeMode(models.TextChoices):
    """收费类型 (SFLX) that the engine computes; 金额 (3) and 累进 (4) are not used by county fees."""

    PER_CASE = "1", "按件"
    PER_AREA = "2", "按面积"
    PER_UNIT = "5", "按套"
    PER_CERTIFICATE = "6", "按证"


class NoticeKind(models.TextChoices):
    ACCEPTANCE = "acceptance", "受理通知书"
    NON_ACCEPTANCE = "non_acceptance", "不予受理通知书"
    CORRECTION = "correction", "补正材料通知书"
    REFUSAL = "refusal", "不予登记决定书"


# Prefix of each notice kind's number (受理 SL, 不予受理 BSL, 补正 BZ, 不予登记 BDJ).
NOTICE_PREFIX = {
    NoticeKind.ACCEPTANCE: "SL",
    NoticeKind.NON_ACCEPTANCE: "BSL",
    NoticeKind.CORRECTION: "BZ",
    NoticeKind.REFUSAL: "BDJ",
}


class EventKind(models.TextChoices):
    CREATED = "created", "收件"
    MATERIAL = "material", "收取材料"
    ACCEPTED = "accepted", "受理"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    CORRECTION = "correction", "通知补正"
    RESUMED = "resumed", "补正材料已收取"
    OPINION = "opinion", "审核意见"
    ASSIGNED = "assigned", "转件"
    REFUSED = "refused", "不予登记"
    UNITS_CONFIRMED = "units_confirmed", "确认单元状态"
    REGISTERED = "registered", "登簿"
    CERTIFIED = "certified", "缮证"
    ISSUED = "issued", "发证"
    ARCHIVED = "archived", "归档"
    WITHDRAWN = "withdrawn", "撤回申请"


# Events the applicant sees when following the case (the portal shows only these).
PUBLIC_EVENTS = frozenset(
    {
        EventKind.CREATED,
        EventKind.ACCEPTED,
        EventKind.NOT_ACCEPTED,
        EventKind.CORRECTION,
        EventKind.RESUMED,
        EventKind.REFUSED,
        EventKind.REGISTERED,
        EventKind.CERTIFIED,
        EventKind.ISSUED,
        EventKind.WITHDRAWN,
    }
)


class DocumentKind(models.TextChoices):
    CERTIFICATE = "certificate", "不动产权证书"
    PROOF = "proof", "不动产登记证明"


class CaseRole(models.TextChoices):
    """Roles of a case party: the register's party roles plus those it does not record."""

    HOLDER = "holder", "权利人"
    OBLIGOR = "obligor", "义务人"
    MORTGAGEE = "mortgagee", "抵押权人"
    MORTGAGOR = "mortgagor", "抵押人"
    DEBTOR = "debtor", "债务人"
    NOTICE_HOLDER = "notice_holder", "预告登记权利人"
    NOTICE_OBLIGOR = "notice_obligor", "预告登记义务人"
    OBJECTION_APPLICANT = "objection_applicant", "异议登记申请人"
    SEIZED_PERSON = "seized_person", "被执行人"
    RESIDENT = "resident", "居住权人"
    APPLICANT = "applicant", "申请人"
    AGENT = "agent", "代理人"


# Case roles that are not written to the register.
UNREGISTERED_ROLES = frozenset({CaseRole.APPLICANT, CaseRole.AGENT})
