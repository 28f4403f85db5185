"""The quality catalogue over a package's standard rows, and the QC report sent back.

Rows are checked unit by unit: the package's rows are read from the store ordered by unit, in
batches of whole units, so the rules that compare a right with its unit (KTT_FW_H, joined on
BDCDYH) see both, while memory stays bounded. Personal values are decrypted for the check only
(the engine masks them in its messages). Each finding is stored with the row key it is about.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from bdcdj.accounts.pii import decrypt_text
from bdcdj.core.xlsx import xlsx_bytes
from bdcdj.huijiao.models import IncomingPackage, PackageFinding, StandardRow
from bdcdj.huijiao.tables import table_label
from bdcdj.quality.engine import evaluate
from bdcdj.quality.findings import QualityContext, Severity
from bdcdj.quality.rules import CATALOGUE

BATCH_ROWS = 1000
RESPONSE_FINDINGS = 500
RULE_TITLES = {rule.id: rule.title for rule in CATALOGUE}
XLSX_HEADERS = ("数据表", "规则", "规则名称", "严重程度", "记录主键", "字段", "问题", "建议")


@dataclass
class QcReport:
    blocking: int = 0
    warnings: int = 0
    summary: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (table, rule, severity)

    @property
    def total(self) -> int:
        return self.blocking + self.warnings


def _clear(row: StandardRow) -> dict[str, Any]:
    values = dict(row.data)
    if row.personal_enc:
        values.update(json.loads(decrypt_text(row.personal_enc)))
    return values


def _unit_batches(package: IncomingPackage) -> Iterator[list[StandardRow]]:
    rows = StandardRow.objects.filter(package=package).order_by("unit_code", "table", "row_key")
    batch: list[StandardRow] = []
    for row in rows.iterator(chunk_size=BATCH_ROWS):
        if len(batch) >= BATCH_ROWS and row.unit_code != batch[-1].unit_code:
            yield batch
            batch = []
        batch.append(row)
    if batch:
        yield batch


def package_qc(*, package: IncomingPackage, version: str) -> QcReport:
    """Run the catalogue (stage 报文接入 rules, the package's layout) and store the findings.
    Runs inside the import's transaction."""
    context = QualityContext(region_code=package.region_code, stage="ingest", version=version)
    report = QcReport()
    for batch in _unit_batches(package):
        rowset: dict[str, list[dict[str, Any]]] = {}
        keys: dict[str, list[str]] = {}
        for row in batch:
            rowset.setdefault(row.table, []).append(_clear(row))
            keys.setdefault(row.table, []).append(row.row_key)
        found = evaluate(rows=rowset, context=context)
        findings = []
        for finding in found.findings:
            findings.append(
                PackageFinding(
                    package=package,
                    rule_id=finding.rule_id,
                    severity=finding.severity,
                    table=finding.table,
                    row_key=keys[finding.table][finding.row_index],
                    field=finding.field[:40],
                    message=finding.message,
                    suggestion=finding.suggestion,
                )
            )
            report.summary[(finding.table, finding.rule_id, finding.severity)] += 1
            if finding.is_blocking:
                report.blocking += 1
            else:
                report.warnings += 1
        PackageFinding.objects.bulk_create(findings, batch_size=500)
    return report


def summary_rows(summary: Iterable[tuple[tuple[str, str, str], int]]) -> list[dict[str, Any]]:
    return [
        {
            "table": table,
            "table_name": table_label(table),
            "rule_id": rule_id,
            "rule_title": RULE_TITLES.get(rule_id, "（已删除的规则）"),
            "severity": severity,
            "severity_label": Severity(severity).label if severity in Severity.values else severity,
            "count": count,
        }
        for (table, rule_id, severity), count in sorted(summary)
    ]


def finding_dict(finding: PackageFinding) -> dict[str, str]:
    return {
        "rule_id": finding.rule_id,
        "severity": finding.severity,
        "table": finding.table,
        "row_key": finding.row_key,
        "field": finding.field,
        "message": finding.message,
        "suggestion": finding.suggestion,
    }


def report_payload(*, package: IncomingPackage, limit: int = RESPONSE_FINDINGS) -> dict[str, Any]:
    """The QC report as answered to the lower node: counts by table, rule and severity, and
    the first `limit` findings (the full list is in the upper node's XLSX)."""
    summary: Counter[tuple[str, str, str]] = Counter()
    for table, rule_id, severity in package.findings.values_list("table", "rule_id", "severity").iterator():
        summary[(table, rule_id, severity)] += 1
    findings = [finding_dict(f) for f in package.findings.order_by("id")[:limit]]
    total = package.qc_blocking + package.qc_warnings
    return {
        "package_id": package.package_id,
        "region_code": package.region_code,
        "serial": package.serial,
        "kind": package.kind,
        "status": "accepted",
        "events": {"from": package.seq_from, "to": package.seq_to},
        "rows": {
            "total": package.row_count,
            "inserted": package.inserted,
            "updated": package.updated,
            "unchanged": package.unchanged,
        },
        "tables": package.tables,
        "qc": {
            "total": total,
            "blocking": package.qc_blocking,
            "warnings": package.qc_warnings,
            "summary": summary_rows(summary.items()),
            "findings": findings,
            "truncated": total > len(findings),
        },
    }


def findings_xlsx(findings: Iterable[dict[str, str]]) -> bytes:
    rows = (
        (
            table_label(f["table"]),
            f["rule_id"],
            RULE_TITLES.get(f["rule_id"], "（已删除的规则）"),
            Severity(f["severity"]).label if f["severity"] in Severity.values else f["severity"],
            f["row_key"],
            f["field"],
            f["message"],
            f["suggestion"],
        )
        for f in findings
    )
    content, _count = xlsx_bytes(sheet_title="汇交质检报告", headers=XLSX_HEADERS, rows=rows)
    return content
