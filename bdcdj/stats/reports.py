"""The drill-down tables of the statistics pages, declared once: title, columns, default order
and the aggregate selector behind each. Pages, sorting, paging and XLSX export all use this."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bdcdj.accounts.selectors import AnyUser
from bdcdj.cases.models import CaseStatus
from bdcdj.stats import selectors as s

_STATUS_COLUMNS = tuple((f"s{value}", label) for value, label in CaseStatus.choices)


@dataclass(frozen=True)
class Report:
    code: str
    title: str
    columns: tuple[tuple[str, str], ...]  # (key, header)
    default_sort: str
    rows: Callable[[s.Scope, AnyUser], list[s.Row]]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.columns)


REPORTS: dict[str, Report] = {
    r.code: r
    for r in (
        Report(
            "cases_by_type",
            "收件量（按业务类型）",
            (("name", "业务类型"), ("total", "收件"), *_STATUS_COLUMNS),
            "-total",
            lambda scope, user: s.cases_by_business_type(scope),
        ),
        Report(
            "cases_by_status",
            "收件量（按案件状态）",
            (("name", "案件状态"), ("total", "件数")),
            "-total",
            lambda scope, user: s.cases_by_status(scope),
        ),
        Report(
            "cases_by_office",
            "收件量（按受理机构）",
            (("region_code", "行政区"), ("office", "受理机构"), ("total", "收件"), *_STATUS_COLUMNS),
            "-total",
            lambda scope, user: s.cases_by_office(scope),
        ),
        Report(
            "cases_by_month",
            "收件量（按月）",
            (("month", "月份"), ("total", "收件"), ("accepted", "已受理"), *_STATUS_COLUMNS),
            "month",
            lambda scope, user: s.cases_by_month(scope),
        ),
        Report(
            "completion",
            "办结时限（按业务类型与法定时限）",
            (
                ("name", "业务类型"),
                ("time_limit_workdays", "法定时限（工作日）"),
                ("completed", "办结"),
                ("on_time", "按时办结"),
                ("late", "超期办结"),
                ("rate", "按时率（%）"),
            ),
            "rate",
            lambda scope, user: s.completion_vs_limit(scope),
        ),
        Report(
            "fees",
            "登记费（按业务类型，受理日期）",
            (
                ("name", "业务类型"),
                ("items", "收费项"),
                ("amount", "应收（元）"),
                ("charged", "实收（元）"),
                ("waived_items", "减免项"),
                ("waived", "减免（元）"),
            ),
            "-amount",
            lambda scope, user: s.fees_by_business_type(scope),
        ),
        Report(
            "payments",
            "网上缴费（按月）",
            (("month", "月份"), ("orders", "支付笔数"), ("amount", "金额（元）")),
            "month",
            lambda scope, user: s.payments_by_month(scope),
        ),
        Report(
            "certificates",
            "发证（按月）",
            (
                ("month", "月份"),
                ("certificates", "不动产权证书"),
                ("proofs", "不动产登记证明"),
                ("voided", "电子证照作废"),
            ),
            "month",
            lambda scope, user: s.certificates_by_month(scope),
        ),
        Report(
            "portal",
            "网上办事（按月）",
            (
                ("month", "月份"),
                ("applications", "网上申请"),
                ("appointments", "预约"),
                ("attended", "到场"),
                ("no_show", "爽约"),
                ("logins", "登录"),
            ),
            "month",
            lambda scope, user: s.portal_by_month(scope),
        ),
        Report(
            "ratings",
            "好差评（按业务类型）",
            (
                ("name", "业务类型"),
                ("ratings", "评价数"),
                ("average", "平均分"),
                ("good", "好评"),
                ("medium", "中评"),
                ("bad", "差评"),
                ("good_rate", "好评率（%）"),
            ),
            "-ratings",
            lambda scope, user: s.ratings_by_business_type(scope),
        ),
        Report(
            "service",
            "窗口服务与评价（按办事大厅、窗口）",
            (
                ("office", "办事大厅"),
                ("window", "窗口"),
                ("served", "办结"),
                ("wait_avg_minutes", "平均等候（分钟）"),
                ("ratings", "评价数"),
                ("good", "好评"),
                ("bad", "差评"),
                ("rating_average", "平均分"),
            ),
            "-served",
            lambda scope, user: s.service_by_window(scope, user=user),
        ),
        Report(
            "sharing",
            "共享核验调用（按接口）",
            (
                ("name", "核验类型"),
                ("total", "调用"),
                ("ok", "一致"),
                ("mismatch", "不一致/无记录"),
                ("unavailable", "部门不可用"),
                ("pending", "等待中"),
                ("attempts", "请求次数"),
                ("latency", "平均耗时（毫秒）"),
            ),
            "-total",
            lambda scope, user: s.sharing_by_kind(scope),
        ),
    )
}


def _key(value: Any) -> tuple[int, Any]:
    """Sort key putting empty values last and comparing numbers as numbers."""
    if value is None or value == "":
        return (1, 0)
    if isinstance(value, int | float | Decimal):
        return (0, Decimal(str(value)))
    return (0, str(value))


def report_rows(*, report: Report, scope: s.Scope, user: AnyUser, sort: str = "") -> tuple[list[s.Row], str]:
    """The grouped rows in the requested order (`key` or `-key` of a column); an unknown sort
    falls back to the report's default. Returns the rows and the order applied."""
    order = sort if sort.lstrip("-") in report.keys else report.default_sort
    rows = report.rows(scope, user)
    key = order.lstrip("-")
    empty = [r for r in rows if r.get(key) in (None, "")]
    filled = [r for r in rows if r.get(key) not in (None, "")]
    filled.sort(key=lambda r: _key(r.get(key)), reverse=order.startswith("-"))
    return filled + empty, order
