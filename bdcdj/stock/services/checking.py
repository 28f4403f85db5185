"""Quality check of staged rows with the rule catalogue (`quality.engine.evaluate`, stage
`stock`), and bulk fixes of what it finds.

Rows are checked per unit: the unit's rows, the rights linked to it and their parties go to the
engine together, so rules that compare a right with its unit (areas, use) see both. Personal
values are decrypted in memory for the rules that need them (ID-card shape, names) and never
written back in clear; messages mask them as the engine does everywhere.

Findings replace the batch's previous findings. The first time a row has findings they are
also recorded for the statistics page (`quality_findings_save`, subject `stock_row`,
reference `<batch>:<row>`); later checks of the same row do not count them again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction

from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import require_tenant
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import invalid_fields
from bdcdj.quality.engine import evaluate
from bdcdj.quality.findings import QualityContext, QualityReport, Stage
from bdcdj.quality.models import QualityFinding, SubjectType
from bdcdj.quality.rules import RULES_BY_ID, TABLES
from bdcdj.quality.services import quality_findings_save
from bdcdj.standards.selectors import dictionary_has
from bdcdj.stock.models import Job, StagedRow, StockBatch, StockFinding
from bdcdj.stock.services.progress import Progress, job_finish, job_start
from bdcdj.stock.services.rows import decrypt_personal

CHUNK = 2000


def _groups(batch: StockBatch, only: set[str] | None = None) -> dict[str, list[StagedRow]]:
    """Rows grouped by the unit they belong to (a unit row's own code, a right's linked unit or
    code, a party's right's group); rows without any unit form a group of their own."""
    rows = list(
        StagedRow.objects.filter(batch=batch)
        .only("id", "table_code", "data", "pii_enc", "unit_code", "unit_row_id", "right_row_id")
        .order_by("id")
        .iterator(chunk_size=CHUNK)
    )
    by_id = {row.id: row for row in rows}

    def key(row: StagedRow) -> str:
        if row.right_row_id and row.right_row_id in by_id:
            row = by_id[row.right_row_id]
        if row.unit_row_id and row.unit_row_id in by_id:
            return by_id[row.unit_row_id].unit_code or f"row{row.unit_row_id}"
        return row.unit_code or f"row{row.id}"

    groups: dict[str, list[StagedRow]] = defaultdict(list)
    for row in rows:
        group = key(row)
        if only is None or group in only:
            groups[group].append(row)
    return groups


def _evaluate(batch: StockBatch, group: list[StagedRow]) -> list[tuple[StagedRow, Any]]:
    tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
    positions: dict[tuple[str, int], StagedRow] = {}
    for row in group:
        values = {**row.data, **decrypt_personal(row.pii_enc, row.data)}
        positions[(row.table_code, len(tables[row.table_code]))] = row
        tables[row.table_code].append(values)
    context = QualityContext(region_code=batch.region_code, stage=Stage.STOCK, version=batch.standard_version)
    report: QualityReport = evaluate(rows=tables, context=context)
    return [(positions[(f.table, f.row_index)], f) for f in report.findings]


def _record_statistics(batch: StockBatch, found: dict[int, list[Any]]) -> None:
    refs = {row_id: f"{batch.pk}:{row_id}" for row_id in found}
    known = set(
        QualityFinding.objects.filter(
            subject_type=SubjectType.STOCK_ROW, subject_ref__in=list(refs.values())
        ).values_list("subject_ref", flat=True)
    )
    context = QualityContext(region_code=batch.region_code, stage=Stage.STOCK, version=batch.standard_version)
    for row_id, findings in found.items():
        if refs[row_id] in known:
            continue
        quality_findings_save(
            report=QualityReport(context=context, findings=tuple(findings)),
            region_code=batch.region_code,
            stage=Stage.STOCK,
            subject_type=SubjectType.STOCK_ROW,
            subject_ref=refs[row_id],
        )


def _check_groups(
    batch: StockBatch, groups: dict[str, list[StagedRow]], progress: Progress | None
) -> dict[str, int]:
    done, totals = 0, {"block": 0, "warn": 0}
    pending: list[StockFinding] = []
    counts: dict[int, list[int]] = {}
    found: dict[int, list[Any]] = defaultdict(list)
    for group in groups.values():
        for row, finding in _evaluate(batch, group):
            pending.append(
                StockFinding(
                    batch=batch,
                    row=row,
                    rule_id=finding.rule_id,
                    severity=finding.severity,
                    table_code=finding.table,
                    field_code=finding.field,
                    message=finding.message,
                    suggestion=finding.suggestion[:200],
                )
            )
            found[row.id].append(finding)
            counts.setdefault(row.id, [0, 0])[0 if finding.is_blocking else 1] += 1
            totals["block" if finding.is_blocking else "warn"] += 1
        for row in group:
            counts.setdefault(row.id, [0, 0])
        done += len(group)
        if progress is not None and (len(pending) >= CHUNK or done % CHUNK < len(group)):
            progress.set(done)
    ids = list(counts)
    with transaction.atomic():
        StockFinding.objects.filter(batch=batch, row_id__in=ids).delete()
        StockFinding.objects.bulk_create(pending, batch_size=1000)
        StagedRow.objects.bulk_update(
            [StagedRow(id=i, blocking=b, warnings=w) for i, (b, w) in counts.items()],
            ["blocking", "warnings"],
            batch_size=1000,
        )
        _record_statistics(batch, found)
    return totals


def stock_check(
    *, batch: StockBatch, on_progress: Callable[[StockBatch], None] | None = None, force: bool = False
) -> dict[str, int]:
    """Run the catalogue over every staged row of the batch; returns blocking and warning counts."""
    batch = job_start(batch=batch, job=Job.CHECK, total=batch.rows_staged, force=force)
    try:
        totals = _check_groups(batch, _groups(batch), Progress(batch, on_progress))
    except BaseException as exc:
        job_finish(batch=batch, error=f"质检失败：{type(exc).__name__}")
        raise
    job_finish(batch=batch, stamp="checked_at", check=totals)
    return totals


def stock_fix(
    *,
    batch: StockBatch,
    by: User,
    rule_id: str,
    field_code: str,
    table_code: str = "",
    set_value: str | None = None,
    translate: dict[str, str] | None = None,
) -> int:
    """Change one field on every row where `rule_id` fails on it: set a value, or translate old
    codes (`{"09": "10"}`; values not listed stay). Personal fields cannot be changed in bulk.
    The affected units are checked again; the fix is audited. Returns the rows changed."""
    require_tenant(user=by, region_code=batch.region_code)
    problems = _fix_problems(batch, rule_id, field_code, table_code, set_value, translate)
    if problems:
        raise invalid_fields(problems, code="stock_fix_invalid")
    rows = StagedRow.objects.filter(
        batch=batch,
        findings__rule_id=rule_id,
        findings__field_code=field_code,
        **({"table_code": table_code} if table_code else {}),
    ).distinct()
    changed: list[StagedRow] = []
    for row in rows:
        old = row.data.get(field_code, "")
        new = set_value if set_value is not None else (translate or {}).get(old, old)
        if new != old:
            row.data = {**row.data, field_code: new}
            changed.append(row)
    if not changed:
        return 0
    with transaction.atomic():
        StagedRow.objects.bulk_update(changed, ["data"], batch_size=1000)
        audit_record(
            actor=by,
            action="stock.fix",
            object_type="stock_batch",
            object_id=str(batch.pk),
            region_code=batch.region_code,
            detail={
                "rule_id": rule_id,
                "field": field_code,
                "table": table_code,
                "set_value": set_value,
                "translate": translate or {},
                "rows": len(changed),
            },
        )
    recheck_rows(batch=batch, row_ids={r.id for r in changed})
    return len(changed)


def recheck_rows(*, batch: StockBatch, row_ids: set[int]) -> None:
    """Check again the units (groups) the given rows belong to, after a fix or a confirmed link."""
    groups = _groups(batch)
    _check_groups(batch, {k: g for k, g in groups.items() if any(r.id in row_ids for r in g)}, None)


def _fix_problems(
    batch: StockBatch,
    rule_id: str,
    field_code: str,
    table_code: str,
    set_value: str | None,
    translate: dict[str, str] | None,
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if rule_id not in RULES_BY_ID:
        problems["rule_id"] = f"未知的规则：{rule_id}"
    if (set_value is None) == (translate is None):
        problems["value"] = "请给出要设置的值，或代码对照（旧代码→新代码），二者选一"
    tables = [TABLES[table_code]] if table_code in TABLES else [] if table_code else list(TABLES.values())
    if table_code and not tables:
        problems["table_code"] = f"未知的标准表：{table_code}"
    specs = [t.fields[field_code] for t in tables if field_code in t.fields]
    if not specs:
        problems["field_code"] = f"标准表中没有字段：{field_code}"
    elif any(spec.personal for spec in specs):
        problems["field_code"] = "个人信息字段不能批量修改"
    else:
        dictionary = specs[0].dictionary
        values: Iterable[str] = [set_value] if set_value is not None else (translate or {}).values()
        for value in values:
            if (
                dictionary
                and value
                and not dictionary_has(code=dictionary, value=value, version=batch.standard_version)
            ):
                problems["value"] = f"“{value}”不是字典 {dictionary} 的有效代码"
    return problems
