"""Pages of integrity supervision: the alert queue, one alert with acknowledge/close, and the
rule catalogue with its administrator settings."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bdcdj.accounts.decorators import forbidden_response, page_required
from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import user_can
from bdcdj.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from bdcdj.supervision.forms import AlertFilterForm, HandleForm
from bdcdj.supervision.models import AlertStatus, RuleSetting, Severity
from bdcdj.supervision.rules import RULES
from bdcdj.supervision.selectors import alert_counts, alert_get, alerts_list, rules_list
from bdcdj.supervision.services import alert_acknowledge, alert_close, rule_effective, rule_setting_update

PAGE_SIZE = 25


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # page_required let only signed-in staff through
    return user


RULE_NAMES = {code: rule.name for code, rule in RULES.items()}


@page_required("supervision.alerts")
def alerts(request: HttpRequest) -> HttpResponse:
    form = AlertFilterForm(request.GET or None)
    filters = form.filters() if form.is_valid() else None
    qs = alerts_list(user=request.user, filters=filters) if filters or not form.is_bound else None
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")) if qs is not None else None
    query = request.GET.copy()
    query.pop("page", None)
    current = query.get("sort") or "-first_seen"
    sorts = {}
    for key in ("first_seen", "occurred", "severity", "rule"):
        q = query.copy()
        q["sort"] = key if current == f"-{key}" else f"-{key}"
        sorts[key] = q.urlencode()
    context: dict[str, Any] = {
        "form": form,
        "page_obj": page,
        "query": query.urlencode(),
        "sorts": sorts,
        "sort": current,
        "counts": alert_counts(user=request.user),
        "statuses": dict(AlertStatus.choices),
        "rule_names": RULE_NAMES,
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    template = (
        "supervision/_alerts_table.html" if getattr(request, "htmx", False) else "supervision/alerts.html"
    )
    return render(request, template, context, status=status)


def _detail(
    request: HttpRequest, alert_id: int, *, form: HandleForm | None = None, status: int = 200
) -> HttpResponse:
    try:
        alert, notes = alert_get(user=request.user, alert_id=alert_id)
    except NotFound as exc:
        return render(request, "supervision/not_found.html", {"error": exc}, status=404)
    context = {
        "alert": alert,
        "notes": notes,
        "rule_name": RULE_NAMES.get(alert.rule_code, alert.rule_code),
        "form": form or HandleForm(),
        "can_handle": user_can(user=request.user, page="supervision.alerts", write=True),
    }
    return render(request, "supervision/alert.html", context, status=status)


@page_required("supervision.alerts")
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    return _detail(request, alert_id)


@require_POST
@page_required("supervision.alerts", write=True)
def alert_handle(request: HttpRequest, alert_id: int, op: str) -> HttpResponse:
    actions = {"acknowledge": alert_acknowledge, "close": alert_close}
    if op not in actions:
        return render(
            request,
            "supervision/not_found.html",
            {"error": NotFound(code="op", message="没有该操作")},
            status=404,
        )
    form = HandleForm(request.POST)
    if not form.is_valid():
        return _detail(request, alert_id, form=form, status=400)
    try:
        actions[op](alert_id=alert_id, by=_staff(request), comment=form.cleaned_data["comment"])
    except Forbidden as exc:
        return forbidden_response(request, exc)
    except NotFound as exc:
        return render(request, "supervision/not_found.html", {"error": exc}, status=404)
    except (InvalidInput, Conflict) as exc:
        form.add_error("comment", exc.message)
        return _detail(request, alert_id, form=form, status=409 if isinstance(exc, Conflict) else 400)
    return redirect("supervision:alert", alert_id=alert_id)


@page_required("supervision.rules")
def rules(request: HttpRequest) -> HttpResponse:
    context = {
        "rules": rules_list(user=request.user),
        "severities": dict(Severity.choices),
        "can_edit": user_can(user=request.user, page="supervision.rules", write=True),
    }
    return render(request, "supervision/rules.html", context)


@page_required("supervision.rules")
def rule_edit(request: HttpRequest, code: str) -> HttpResponse:
    rule = RULES.get(code)
    if rule is None:
        return render(
            request,
            "supervision/not_found.html",
            {"error": NotFound(code="rule", message="没有该规则")},
            status=404,
        )
    effective = rule_effective(rule, RuleSetting.objects.filter(code=code).first())
    values: dict[str, str] = dict(effective.raw)
    enabled, severity = effective.enabled, effective.severity
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not user_can(user=request.user, page="supervision.rules", write=True):
            return forbidden_response(
                request, Forbidden(code="page_forbidden", message="没有修改“廉政风险规则”的权限")
            )
        values = {p.name: request.POST.get(p.name, "") for p in rule.params}
        enabled, severity = request.POST.get("enabled") == "1", request.POST.get("severity", "")
        try:
            rule_setting_update(
                code=code, enabled=enabled, severity=severity, params=values, by=_staff(request)
            )
        except InvalidInput as exc:
            errors, status = {**exc.fields, "__all__": exc.message}, 400
        else:
            return redirect("supervision:rules")
    context = {
        "rule": rule,
        "fields": [(p, values.get(p.name, ""), errors.get(p.name, "")) for p in rule.params],
        "enabled": enabled,
        "severity": severity,
        "severities": Severity.choices,
        "errors": errors,
        "can_edit": user_can(user=request.user, page="supervision.rules", write=True),
    }
    return render(request, "supervision/rule_edit.html", context, status=status)
