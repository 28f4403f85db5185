"""Entry points other apps call: check a registration item at 登簿 and record findings.

`quality_check_item` only reads (units and, for 转移/变更/更正, the right being replaced) and
writes nothing; the caller decides. The cases engine calls it inside 登簿 and, when the
report is not ok, calls `quality_findings_save` in its own committed transaction before it
refuses, so refused attempts are counted in the statistics too.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bdcdj.core.errors import InvalidInput, invalid_fields
from bdcdj.quality.adapters.registration import rows_for_item
from bdcdj.quality.engine import evaluate
from bdcdj.quality.findings import QualityContext, QualityReport, Stage
from bdcdj.quality.models import QualityFinding, SubjectType
from bdcdj.register.services import RegistrationItem
from bdcdj.standards.selectors import standard_version

SUGGESTION_MAX = 200


def quality_check_item(*, item: RegistrationItem, stage: str = "register") -> QualityReport:
    """Run the catalogue over a registration item in the dictionary version the node uses.

    Rows carry only what the register holds (`partial_rows`), so a field the register does
    not keep is not reported at 登簿; the access message is checked in full when received."""
    context = QualityContext(
        region_code=item.region_code, stage=stage, version=standard_version(), partial_rows=True
    )
    return evaluate(rows=rows_for_item(item=item), context=context)


@transaction.atomic
def quality_findings_save(
    *, report: QualityReport, region_code: str, stage: str, subject_type: str, subject_ref: str
) -> int:
    """Record every finding of `report` about one subject (a case, a message, a stock row) in
    one bulk insert; returns how many rows were written (0 for a clean report)."""
    problems: dict[str, str] = {}
    if stage not in Stage.values:
        problems["stage"] = f"未知的检查环节：{stage}"
    if subject_type not in SubjectType.values:
        problems["subject_type"] = f"未知的对象类型：{subject_type}"
    if len(region_code) != 6 or not region_code.isdigit():
        problems["region_code"] = "行政区划代码应为6位数字"
    if not subject_ref.strip():
        problems["subject_ref"] = "对象标识不能为空"
    if problems:
        raise InvalidInput(
            code="invalid_quality_findings", message="；".join(problems.values()), fields=problems
        )
    now = timezone.now()
    rows = [
        QualityFinding(
            region_code=region_code,
            rule_id=finding.rule_id,
            severity=finding.severity,
            stage=stage,
            subject_type=subject_type,
            subject_ref=subject_ref.strip(),
            table_code=finding.table,
            field_code=finding.field,
            row_index=finding.row_index,
            message=finding.message,
            suggestion=finding.suggestion[:SUGGESTION_MAX],
            created_at=now,
        )
        for finding in report.findings
    ]
    for row in rows:
        try:
            row.full_clean()
        except ValidationError as exc:
            fields = {name: "；".join(msgs) for name, msgs in exc.message_dict.items()}
            raise invalid_fields(fields, code="invalid_quality_findings") from exc
    QualityFinding.objects.bulk_create(rows)
    return len(rows)
