"""What the rule engine reads and returns: standard rows, the context they are checked in,
findings and the report. Pure values; nothing here touches the database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from bdcdj.core.errors import InvalidInput

# Standard rows keyed by table code (e.g. "QLF_QL_DYAQ"); each row maps the standard's field
# codes (BDCDYH, DYFS, …) to str, Decimal, int, date/datetime, bool or None.
Row = Mapping[str, Any]
RowSet = Mapping[str, Sequence[Row]]

VERSIONS = ("2015", "2021")


class Severity(models.TextChoices):
    BLOCK = "block", "阻断"
    WARN = "warn", "警告"


class Stage(models.TextChoices):
    """Where rows come from: a registration at 登簿, an access message received from a lower
    node, a row of a legacy (存量) import, or a parcel shape from 权籍调查 (survey)."""

    REGISTER = "register", "登簿"
    INGEST = "ingest", "报文接入"
    STOCK = "stock", "存量导入"
    SURVEY = "survey", "权籍调查图形"


@dataclass(frozen=True, kw_only=True)
class QualityContext:
    """How rows are checked.

    `region_code` is the district the rows belong to (the registering county, or the
    AreaCode of a received message). `version` selects the dictionaries and the table layout
    ("2015" or "2021"). `rectype` (业务编码) narrows rules declared for some RecTypes; when it
    is None every rule runs. `partial_rows` says the source supplies only some fields: a field
    missing from a row is then not reported as empty (the 登簿 adapter leaves out what the
    register does not hold or assigns only at 登簿), while a field present with an empty
    value is. For messages and stock rows a missing field is an empty one.
    """

    region_code: str
    stage: str
    version: str
    rectype: str | None = None
    partial_rows: bool = False

    def __post_init__(self) -> None:
        problems = {}
        if self.stage not in Stage.values:
            problems["stage"] = f"检查环节应为 {'、'.join(Stage.values)} 之一，实际为“{self.stage}”"
        if self.version not in VERSIONS:
            problems["version"] = f"标准版本应为 2015 或 2021，实际为“{self.version}”"
        if len(self.region_code) != 6 or not self.region_code.isdigit():
            problems["region_code"] = "行政区划代码应为6位数字"
        if problems:
            raise InvalidInput(
                code="invalid_quality_context", message="；".join(problems.values()), fields=problems
            )


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One broken rule on one field of one row. `message` is Chinese and names the table,
    row, field and the offending value (personal values masked). `suggested_codes` are the
    codes an other_abuse rule found evidence for; `suggestion` says them in words."""

    rule_id: str
    severity: str
    table: str
    row_index: int
    field: str
    message: str
    suggestion: str = ""
    suggested_codes: tuple[str, ...] = ()

    @property
    def is_blocking(self) -> bool:
        return self.severity == Severity.BLOCK

    def as_message(self) -> str:
        return f"[{self.rule_id} {Severity(self.severity).label}] {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "table": self.table,
            "row_index": self.row_index,
            "field": self.field,
            "message": self.message,
            "suggestion": self.suggestion,
            "suggested_codes": list(self.suggested_codes),
        }


@dataclass(frozen=True)
class QualityReport:
    """Findings of one evaluation, in catalogue order. `ok` means nothing blocks."""

    context: QualityContext
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.is_blocking]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_blocking]

    @property
    def ok(self) -> bool:
        return not self.blocking

    def as_messages(self) -> list[str]:
        """Blocking findings first, then warnings, each as one Chinese line."""
        return [f.as_message() for f in (*self.blocking, *self.warnings)]

    def as_error(self) -> InvalidInput:
        """The blocking findings as one InvalidInput (code `quality_blocked`) for a caller that
        refuses the operation; `fields` is keyed `TABLE[row].FIELD`."""
        blocking = self.blocking
        fields: dict[str, str] = {}
        for f in blocking:
            key = f"{f.table}[{f.row_index}].{f.field}"
            fields[key] = f"{fields[key]}；{f.message}" if key in fields else f.message
        lines = "；".join(f.message for f in blocking[:5])
        more = f" 等{len(blocking)}项" if len(blocking) > 5 else ""
        return InvalidInput(
            code="quality_blocked", message=f"数据质量检查未通过：{lines}{more}", fields=fields
        )
