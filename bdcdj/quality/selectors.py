"""Reads of the quality app: the rule catalogue and statistics of recorded findings.

Statistics are tenant-scoped: a user sees only findings of the districts they may act in
(`accounts.selectors.tenant_codes`), and needs the page permission `quality.stats`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, cast

from django.db.models import Count, DateField, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import AnyUser, profile_get, require_page, tenant_codes
from bdcdj.core.errors import InvalidInput
from bdcdj.quality.findings import Severity, Stage
from bdcdj.quality.models import QualityFinding
from bdcdj.quality.rules import CATALOGUE, RULES_BY_ID, Rule

PAGE = "quality.stats"
GROUPS = {"rule": "rule_id", "district": "region_code"}
SORTS = {"month": "month", "key": "key", "total": "total"}
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class StatsFilter:
    """Criteria of the statistics. Months are inclusive (first day of the month); `group`
    is 'rule' (per rule × month) or 'district' (per district × month); `sort` is one of
    month, key, total, optionally prefixed with '-' for descending."""

    month_from: date | None = None
    month_to: date | None = None
    severity: str = ""
    stage: str = ""
    region_code: str = ""
    rule_id: str = ""
    group: str = "rule"
    sort: str = "-month"


@dataclass(frozen=True)
class StatRow:
    month: date
    key: str  # rule id or region code
    label: str  # rule title or district name
    total: int
    blocking: int
    warnings: int
    subjects: int

    @property
    def month_text(self) -> str:
        return self.month.strftime("%Y-%m")

    def summary(self, group: str) -> str:
        what = f"规则 {self.key}（{self.label}）" if group == "rule" else f"{self.label}（{self.key}）"
        return (
            f"{self.month_text} {what}：发现问题 {self.total} 条，其中阻断 {self.blocking} 条、"
            f"警告 {self.warnings} 条，涉及 {self.subjects} 个业务/报文/数据"
        )


def parse_month(text: str, *, field: str) -> date | None:
    """'2024-05' → date(2024, 5, 1); '' → None; InvalidInput for anything else."""
    if not text:
        return None
    match = MONTH.match(text.strip())
    month = int(match.group(2)) if match else 0
    if not match or not 1 <= month <= 12:
        message = "月份格式应为 YYYY-MM，如 2024-05"
        raise InvalidInput(code="invalid_month", message=message, fields={field: message})
    return date(int(match.group(1)), month, 1)


def stats_filter_check(filters: StatsFilter) -> None:
    """InvalidInput for criteria that cannot be answered (unknown group, sort, severity…)."""
    problems: dict[str, str] = {}
    if filters.group not in GROUPS:
        problems["group"] = "统计方式应为 rule（按规则）或 district（按行政区）"
    if filters.sort.lstrip("-") not in SORTS:
        problems["sort"] = "排序应为 month、key 或 total（可加“-”表示倒序）"
    if filters.severity and filters.severity not in Severity.values:
        problems["severity"] = "严重程度应为 block 或 warn"
    if filters.stage and filters.stage not in Stage.values:
        problems["stage"] = "检查环节应为 register、ingest 或 stock"
    if filters.month_from and filters.month_to and filters.month_from > filters.month_to:
        problems["month_to"] = "截止月份不能早于起始月份"
    if problems:
        raise InvalidInput(code="invalid_stats_filter", message="；".join(problems.values()), fields=problems)


def findings_visible(*, user: AnyUser) -> QuerySet[QualityFinding]:
    """Findings of the user's districts (none for a user without districts)."""
    require_page(user=user, page=PAGE)
    return QualityFinding.objects.filter(region_code__in=sorted(tenant_codes(user=user)))


def findings_for_subject(*, user: AnyUser, subject_type: str, subject_ref: str) -> list[QualityFinding]:
    """Every recorded finding about one case, message or stock row, newest first."""
    return list(findings_visible(user=user).filter(subject_type=subject_type, subject_ref=subject_ref))


def finding_stats(*, user: AnyUser, filters: StatsFilter | None = None) -> list[StatRow]:
    """Counts of findings per month and rule (or district), within the user's districts."""
    f = filters or StatsFilter()
    stats_filter_check(f)
    qs = findings_visible(user=user)
    if f.month_from:
        qs = qs.filter(created_at__gte=_month_start(f.month_from))
    if f.month_to:
        following = date(f.month_to.year + f.month_to.month // 12, f.month_to.month % 12 + 1, 1)
        qs = qs.filter(created_at__lt=_month_start(following))
    for name in ("severity", "stage", "region_code", "rule_id"):
        if getattr(f, name):
            qs = qs.filter(**{name: getattr(f, name)})
    key = GROUPS[f.group]
    sort = f.sort.lstrip("-")
    descending = "-" if f.sort.startswith("-") else ""
    order = list(dict.fromkeys([f"{descending}{SORTS[sort] if sort != 'key' else key}", "-month", key]))
    grouped = (
        qs.annotate(month=TruncMonth("created_at", output_field=DateField()))
        .values("month", key)
        .annotate(
            total=Count("id"),
            blocking=Count("id", filter=Q(severity=Severity.BLOCK)),
            warnings=Count("id", filter=Q(severity=Severity.WARN)),
            subjects=Count("subject_ref", distinct=True),
        )
        .order_by(*order)
    )
    labels = _labels(user, f.group)
    return [_row(values, key, labels) for values in grouped]


def rules_catalogue(*, search: str = "") -> list[Rule]:
    """The catalogue (reference data, the same for every district), optionally searched by
    id, title, description, kind or table code."""
    text = search.strip().lower()
    if not text:
        return list(CATALOGUE)
    return [
        rule
        for rule in CATALOGUE
        if text in " ".join((rule.id, rule.title, rule.description, rule.kind, *rule.tables)).lower()
    ]


def _labels(user: AnyUser, group: str) -> dict[str, str]:
    if group == "rule":
        return {rule_id: rule.title for rule_id, rule in RULES_BY_ID.items()}
    return dict(profile_get(user=cast(User, user)).tenants)


def _row(values: dict[str, Any], key: str, labels: dict[str, str]) -> StatRow:
    code = values[key]
    return StatRow(
        month=values["month"],
        key=code,
        label=labels.get(code) or ("（已删除的规则）" if key == "rule_id" else code),
        total=values["total"],
        blocking=values["blocking"],
        warnings=values["warnings"],
        subjects=values["subjects"],
    )


def _month_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
