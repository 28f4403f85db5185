"""Pages: national task list, creation, detail with answers, progress dashboard; county inbox
for the A post (经办) and B post (复核)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages as flash
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bdcdj.accounts.decorators import forbidden_response, page_required
from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import user_can
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import DomainError, Forbidden, NotFound
from bdcdj.core.xlsx import xlsx_bytes, xlsx_response
from bdcdj.precise.forms import ReturnForm, TaskForm
from bdcdj.precise.models import InboxStatus
from bdcdj.precise.selectors import (
    dashboard_data,
    draft_listing,
    inbox_get,
    inbox_page,
    progress,
    task_assignments,
    task_get,
    task_results,
    tasks_page,
    tasks_query,
)
from bdcdj.precise.services import result_prepare, result_return, result_send, task_create

PREPARE, REVIEW, TASKS = "precise.inbox_prepare", "precise.inbox_review", "precise.tasks"
EXPORT_COLUMNS = (
    "任务编号",
    "请求机关",
    "查询对象（脱敏）",
    "时限（工作日）",
    "截止时间",
    "下达节点数",
    "已反馈",
    "创建时间",
)


def _int(value: str | None, default: int = 1) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default


def _staff(request: HttpRequest) -> User:
    """The signed-in user (the page decorators have checked it)."""
    return cast(User, request.user)


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# -- national -----------------------------------------------------------------------------------
@page_required(TASKS)
def task_list(request: HttpRequest) -> HttpResponse:
    serial = request.GET.get("serial", "")
    page = tasks_page(user=request.user, serial=serial, page=_int(request.GET.get("page")))
    context = {
        "page_obj": page,
        "serial": serial,
        "can_write": user_can(user=request.user, page=TASKS, write=True),
    }
    return render(request, "precise/task_list.html", context)


@page_required(TASKS)
def task_export(request: HttpRequest) -> HttpResponse:
    rows = tasks_query(user=request.user, serial=request.GET.get("serial", ""))
    content, count = xlsx_bytes(
        sheet_title="精准查询任务",
        headers=EXPORT_COLUMNS,
        rows=(
            [
                t.serial,
                t.authority,
                t.target_masked,
                t.deadline_days,
                _local(t.deadline),
                *reversed(progress(t)),
                _local(t.created_at),
            ]
            for t in rows
        ),
    )
    audit_record(actor=request.user, action="precise.tasks_export", detail={"rows": count})
    return xlsx_response(filename=f"precise-tasks-{timezone.localtime():%Y%m%d%H%M%S}.xlsx", content=content)


@page_required(TASKS, write=True)
def task_new(request: HttpRequest) -> HttpResponse:
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = task_create(
                by=_staff(request),
                authority=data["authority"],
                legal_basis=data["legal_basis"],
                purpose=data["purpose"],
                target_kind=data["target_kind"],
                target_id=data["target_id"],
                deadline_days=data["deadline_days"],
                regions=None if data["all_counties"] else list(data["regions"]),
            )
        except DomainError as exc:
            for name, message in exc.fields.items():
                form.add_error(name if name in form.fields else None, message)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            flash.success(request, f"查询任务 {task.serial} 已创建，正在下达县级节点")
            return redirect("precise:task", task_id=task.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "precise/task_new.html", {"form": form}, status=status)


@page_required(TASKS)
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        task = task_get(user=request.user, task_id=task_id)
    except NotFound as exc:
        return render(request, "precise/not_found.html", {"error": exc}, status=404)
    show = request.GET.get("results") == "1"
    context = {
        "task": task,
        "rows": task_assignments(user=request.user, task=task),
        "results": task_results(user=request.user, task=task) if show else None,
        "show_results": show,
    }
    return render(request, "precise/task_detail.html", context)


@page_required(TASKS)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "precise/dashboard.html", dashboard_data(user=request.user))


# -- county -------------------------------------------------------------------------------------
def _inbox_access(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if user_can(user=request.user, page=PREPARE) or user_can(user=request.user, page=REVIEW):
        return None
    return forbidden_response(
        request, Forbidden(code="page_forbidden", message="没有查看“精准查询待办”的权限")
    )


def inbox(request: HttpRequest) -> HttpResponse:
    if (refused := _inbox_access(request)) is not None:
        return refused
    status = request.GET.get("status", "")
    page = inbox_page(user=request.user, status=status, page=_int(request.GET.get("page")))
    context = {"page_obj": page, "status": status, "statuses": InboxStatus.choices, "now": timezone.now()}
    return render(request, "precise/inbox.html", context)


def _inbox_task_page(
    request: HttpRequest, task_id: int, *, form: ReturnForm | None = None, status: int = 200
):
    try:
        task = inbox_get(user=request.user, task_id=task_id)
    except NotFound as exc:
        return render(request, "precise/not_found.html", {"error": exc}, status=404)
    context = {
        "task": task,
        "listing": draft_listing(user=request.user, task=task),
        "can_prepare": user_can(user=request.user, page=PREPARE, write=True),
        "can_review": user_can(user=request.user, page=REVIEW, write=True),
        "is_preparer": task.prepared_by_id == request.user.pk,
        "return_form": form or ReturnForm(),
        "overdue": task.deadline < timezone.now(),
    }
    return render(request, "precise/inbox_task.html", context, status=status)


def inbox_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    if (refused := _inbox_access(request)) is not None:
        return refused
    return _inbox_task_page(request, task_id)


def _act(request: HttpRequest, task_id: int, action: Any, done: str) -> HttpResponse:
    try:
        task = inbox_get(user=request.user, task_id=task_id)
        action(task)
    except DomainError as exc:
        flash.error(request, exc.message)
        return redirect("precise:inbox_task", task_id=task_id)
    flash.success(request, done)
    return redirect("precise:inbox_task", task_id=task_id)


@require_POST
@page_required(PREPARE, write=True)
def inbox_prepare(request: HttpRequest, task_id: int) -> HttpResponse:
    return _act(
        request,
        task_id,
        lambda t: result_prepare(task=t, by=_staff(request)),
        "已检索登记簿并生成结果，待复核",
    )


@require_POST
@page_required(REVIEW, write=True)
def inbox_send(request: HttpRequest, task_id: int) -> HttpResponse:
    return _act(
        request, task_id, lambda t: result_send(task=t, by=_staff(request)), "结果已加密签名并上报国家级节点"
    )


@require_POST
@page_required(REVIEW, write=True)
def inbox_return(request: HttpRequest, task_id: int) -> HttpResponse:
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _inbox_task_page(request, task_id, form=form, status=400)
    reason = form.cleaned_data["reason"]
    return _act(
        request, task_id, lambda t: result_return(task=t, by=_staff(request), reason=reason), "已退回经办人"
    )
