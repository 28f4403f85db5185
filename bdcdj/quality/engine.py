"""The rule engine: run the catalogue over standard rows.

`evaluate` is pure apart from dictionary lookups (cached per process by `standards`). It
serves every stage the same way: 登簿 (rows built by `adapters.registration`), access-message
ingest (rows parsed from the XML) and stock import (staged rows). Tables the table spec does
not know are ignored; fields a table does not have are ignored.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ImproperlyConfigured

from bdcdj.quality.checks import CHECKS, Scope
from bdcdj.quality.findings import Finding, QualityContext, QualityReport, RowSet
from bdcdj.quality.rules import CATALOGUE, TABLES, Rule
from bdcdj.quality.rules.params import KINDS

if set(CHECKS) != KINDS:  # a kind the catalogue may name must have a check, and vice versa
    raise ImproperlyConfigured(f"quality check kinds differ: {sorted(set(CHECKS) ^ KINDS)}")


def evaluate(*, rows: RowSet, context: QualityContext, rules: Sequence[Rule] = CATALOGUE) -> QualityReport:
    """Every finding of the rules that apply to the context, in catalogue order, then table
    order of the rule, then row order. `rules` defaults to the catalogue."""
    scope = Scope(rows=rows, context=context, tables=TABLES)
    findings: list[Finding] = []
    for rule in rules:
        if not rule.applies(stage=context.stage, version=context.version, rectype=context.rectype):
            continue
        severity = rule.severity_for(stage=context.stage, version=context.version)
        check = CHECKS[rule.kind]
        for table_code in rule.tables:
            table = TABLES[table_code]
            for index, row in enumerate(rows.get(table_code, ())):
                for hit in check(rule, table, row, scope):
                    findings.append(
                        Finding(
                            rule_id=rule.id,
                            severity=severity,
                            table=table_code,
                            row_index=index,
                            field=hit.field,
                            message=f"{table.label}第{index + 1}行：{hit.message}",
                            suggestion=hit.suggestion,
                            suggested_codes=hit.suggested_codes,
                        )
                    )
    return QualityReport(context=context, findings=tuple(findings))
