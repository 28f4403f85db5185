"""The actions of the case page: one POST per service (受理, 不予受理, 补正, 审核, 登簿, 缮证,
发证, 归档, 撤回 …). A refused action (400/403/409) re-renders the case page with the service's
message next to its form and the values entered; success goes back to the case page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bdcdj.cases import services
from bdcdj.cases.forms.common import number
from bdcdj.cases.models import Case, OpinionResult, Stage
from bdcdj.cases.selectors import case_assignees, case_get
from bdcdj.cases.views.case_page import case_context
from bdcdj.cases.views.common import acting_user, go, staff_page
from bdcdj.core.errors import DomainError, NotFound

Handler = Callable[[HttpRequest, Case], str]


def _text(request: HttpRequest, name: str, limit: int = 5000) -> str:
    return (request.POST.get(name) or "")[:limit]


def _accept(request: HttpRequest, case: Case) -> str:
    prefix = "waiver-"
    reasons = {
        key[len(prefix) :]: _text(request, key, 200).strip() for key in request.POST if key.startswith(prefix)
    }
    waivers = {code: reason for code, reason in reasons.items() if reason}
    done = services.case_accept(case=case, by=acting_user(request), fee_waivers=waivers)
    return f"已受理，办结期限 {done.deadline:%Y-%m-%d}，受理通知书已生成"


def _refuse(request: HttpRequest, case: Case) -> str:
    services.case_refuse(case=case, by=acting_user(request), reason=_text(request, "reason"))
    return "已不予受理，不予受理通知书已生成"


def _correction(request: HttpRequest, case: Case) -> str:
    items = [line.strip() for line in _text(request, "items").splitlines() if line.strip()]
    services.case_request_correction(
        case=case, by=acting_user(request), items=items, note=_text(request, "note", 500)
    )
    return "已通知补正，办理时限暂停计时"


def _resume(request: HttpRequest, case: Case) -> str:
    services.case_resume(case=case, by=acting_user(request))
    return "补正材料已收取，恢复计时"


def _withdraw(request: HttpRequest, case: Case) -> str:
    services.case_withdraw(case=case, by=acting_user(request), reason=_text(request, "reason"))
    return "申请人已撤回申请"


def _review(request: HttpRequest, case: Case) -> str:
    result = _text(request, "result", 2)
    text = _text(request, "text")
    wanted = number(request.POST.get("to_user"))
    to_user = None
    if result == OpinionResult.TRANSFER and wanted is not None:
        assignees = case_assignees(user=acting_user(request), case=case)
        to_user = next((u for u in assignees if u.pk == wanted), None)
    done = services.case_review(
        case=case,
        by=acting_user(request),
        result=result,
        text=text,
        to_user=to_user,
        template=None if text.strip() else number(request.POST.get("template")),
    )
    label = OpinionResult(result).label
    if done.stage == Stage.REFUSED:
        return "已退件，不予登记决定书已生成"
    return f"审核意见已提交：{label}；当前环节：{done.get_stage_display()}"


def _register(request: HttpRequest, case: Case) -> str:
    done = services.case_register(case=case, by=acting_user(request))
    numbers = list(done.certificates.values_list("number", flat=True))
    together = "（一并申请的各项业务已一并登簿）" if done.group_id else ""
    return f"已登簿{together}" + (f"，证号 {'、'.join(numbers)}" if numbers else "")


def _refresh_units(request: HttpRequest, case: Case) -> str:
    services.case_units_refresh(case=case, by=acting_user(request))
    return "已确认不动产单元的最新登记状态，可重新登簿"


def _certify(request: HttpRequest, case: Case) -> str:
    services.case_certify(case=case, by=acting_user(request))
    return "已缮证，证书（证明）可下载打印"


def _issue(request: HttpRequest, case: Case) -> str:
    services.case_issue(
        case=case,
        by=acting_user(request),
        receiver_name=_text(request, "receiver_name", 200),
        receiver_id_type=_text(request, "receiver_id_type", 2),
        receiver_id_number=_text(request, "receiver_id_number", 60),
        id_checked=request.POST.get("id_checked") == "on",
    )
    return "已发证"


def _archive(request: HttpRequest, case: Case) -> str:
    services.case_archive(
        case=case,
        by=acting_user(request),
        archive_number=_text(request, "archive_number", 60),
        location=_text(request, "location", 120),
    )
    return "已归档"


HANDLERS: dict[str, Handler] = {
    "accept": _accept,
    "refuse": _refuse,
    "request_correction": _correction,
    "resume": _resume,
    "withdraw": _withdraw,
    "review": _review,
    "register": _register,
    "refresh_units": _refresh_units,
    "certify": _certify,
    "issue": _issue,
    "archive": _archive,
}


@staff_page
@require_POST
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    handler = HANDLERS.get(action)
    if handler is None:
        raise NotFound(code="action_not_found", message="未知的办理操作")
    case = case_get(user=acting_user(request), case_id=case_id)
    try:
        message = handler(request, case)
    except DomainError as exc:
        context = case_context(request, case_id, failed=action, error=exc, posted=request.POST)
        return render(request, "cases/case.html", context, status=exc.status_code)
    messages.success(request, message)
    return go(request, reverse("cases:case", args=[case_id]))
