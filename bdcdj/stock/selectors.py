"""Reads of the stock import, scoped to the acting user's districts, and the XLSX reports a
clerk works through (link report, quality report, import issues)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from bdcdj.accounts.selectors import AnyUser, tenant_codes
from bdcdj.core.errors import NotFound
from bdcdj.core.xlsx import xlsx_bytes
from bdcdj.quality.findings import Severity
from bdcdj.quality.rules import RULES_BY_ID
from bdcdj.stock.models import (
    ImportIssue,
    LinkFinding,
    LinkKind,
    LoadStatus,
    StagedRow,
    StockBatch,
    StockFinding,
)


def batches_for(*, user: AnyUser) -> QuerySet[StockBatch]:
    return StockBatch.objects.filter(region_code__in=tenant_codes(user=user)).order_by("-created_at", "-id")


def batch_get(*, user: AnyUser, batch_id: int) -> StockBatch:
    batch = batches_for(user=user).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(code="stock_batch_not_found", message=f"未找到存量导入批次：{batch_id}")
    return batch


@dataclass(frozen=True)
class RuleCount:
    rule_id: str
    title: str
    severity: str
    severity_label: str
    findings: int
    rows: int


def quality_summary(*, batch: StockBatch) -> list[RuleCount]:
    """Findings per rule and severity, blocking first, then by count."""
    counts = (
        StockFinding.objects.filter(batch=batch)
        .values("rule_id", "severity")
        .annotate(findings=Count("id"), rows=Count("row", distinct=True))
    )
    result = [
        RuleCount(
            rule_id=c["rule_id"],
            title=RULES_BY_ID[c["rule_id"]].title if c["rule_id"] in RULES_BY_ID else "（已删除的规则）",
            severity=c["severity"],
            severity_label=Severity(c["severity"]).label,
            findings=c["findings"],
            rows=c["rows"],
        )
        for c in counts
    ]
    return sorted(result, key=lambda r: (r.severity != Severity.BLOCK, -r.findings, r.rule_id))


def findings_of(*, batch: StockBatch, rule_id: str = "", severity: str = "") -> QuerySet[StockFinding]:
    qs = StockFinding.objects.filter(batch=batch).select_related("row")
    if rule_id:
        qs = qs.filter(rule_id=rule_id)
    if severity:
        qs = qs.filter(severity=severity)
    return qs.order_by("id")


def link_summary(*, batch: StockBatch) -> list[tuple[str, str, int]]:
    counts = dict(LinkFinding.objects.filter(batch=batch).values_list("kind").annotate(n=Count("id")))
    return [(kind.value, kind.label, counts[kind.value]) for kind in LinkKind if counts.get(kind.value)]


def load_summary(*, batch: StockBatch) -> dict[str, int]:
    """Rows per load status, by its Chinese label."""
    counts = StagedRow.objects.filter(batch=batch).values_list("load_status").annotate(n=Count("id"))
    return {LoadStatus(status).label: n for status, n in counts}


def table_summary(*, batch: StockBatch) -> list[tuple[str, int, int]]:
    """(table, rows, rows with blocking findings)."""
    return list(
        StagedRow.objects.filter(batch=batch)
        .values_list("table_code")
        .annotate(n=Count("id"), blocked=Count("id", filter=Q(blocking__gt=0)))
        .order_by("table_code")
    )


def link_report_xlsx(*, batch: StockBatch) -> tuple[bytes, int]:
    findings = LinkFinding.objects.filter(batch=batch).select_related("row", "related").order_by("kind", "id")
    rows = (
        (
            LinkKind(f.kind).label,
            f.key,
            f.row.source if f.row else "",
            f.row.source_key if f.row else "",
            f.related.source if f.related else "",
            f.related.source_key if f.related else "",
            f.confidence if f.confidence is not None else "",
            f.message,
            "",
        )
        for f in findings.iterator(chunk_size=2000)
    )
    headers = (
        "类型",
        "对象（证号/单元号/证件号）",
        "来源",
        "行号/主键",
        "相关来源",
        "相关行号",
        "可信度",
        "说明",
        "处理意见",
    )
    return xlsx_bytes(sheet_title="关联问题", headers=headers, rows=rows)


def quality_report_xlsx(*, batch: StockBatch) -> tuple[bytes, int]:
    rows = (
        (
            f.rule_id,
            Severity(f.severity).label,
            f.table_code,
            f.field_code,
            f.row.source,
            f.row.source_key,
            f.message,
            f.suggestion,
        )
        for f in findings_of(batch=batch).iterator(chunk_size=2000)
    )
    headers = ("规则", "严重程度", "数据表", "字段", "来源", "行号/主键", "问题说明", "建议")
    return xlsx_bytes(sheet_title="质检问题", headers=headers, rows=rows)


def issues_xlsx(*, batch: StockBatch) -> tuple[bytes, int]:
    issues = ImportIssue.objects.filter(batch=batch).order_by("id")
    rows = (
        (i.get_kind_display(), i.source, i.row_ref, i.field_code, i.value, i.message)
        for i in issues.iterator()
    )
    return xlsx_bytes(
        sheet_title="导入问题", headers=("类型", "来源", "行号/主键", "字段", "原值", "说明"), rows=rows
    )
