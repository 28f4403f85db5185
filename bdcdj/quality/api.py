"""Machine API of the quality app, mounted at /api/quality/v1/: the rule catalogue and the
statistics of recorded findings (the user's districts only)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema

from bdcdj.accounts.decorators import ensure_page
from bdcdj.quality.findings import Stage
from bdcdj.quality.rules import TABLES
from bdcdj.quality.selectors import PAGE, StatsFilter, finding_stats, parse_month, rules_catalogue

router = Router(tags=["quality"])


class TableOut(Schema):
    code: str
    name: str


class RuleOut(Schema):
    id: str
    title: str
    description: str
    severity: str
    severity_label: str
    exceptions: str
    kind: str
    stages: list[str]
    versions: list[str]
    rectypes: list[str]
    tables: list[TableOut]


class StatsQuery(Schema):
    month_from: str = ""
    month_to: str = ""
    group: str = "rule"
    severity: str = ""
    stage: str = ""
    region_code: str = ""
    rule_id: str = ""
    sort: str = "-month"


class StatOut(Schema):
    month: str
    key: str
    label: str
    total: int
    blocking: int
    warnings: int
    subjects: int
    summary: str


@router.get("/rules", response=list[RuleOut], summary="数据质量规则目录（编号、说明、严重程度、适用数据表）")
def rules(request: HttpRequest, q: str = "") -> list[RuleOut]:
    ensure_page(request, PAGE)
    return [
        RuleOut(
            id=rule.id,
            title=rule.title,
            description=rule.description,
            severity=rule.severity,
            severity_label=rule.severity_label,
            exceptions=rule.overrides_text,
            kind=rule.kind,
            stages=[s for s in Stage.values if s in rule.stages],
            versions=sorted(rule.versions),
            rectypes=sorted(rule.rectypes),
            tables=[TableOut(code=t, name=TABLES[t].name) for t in rule.tables],
        )
        for rule in rules_catalogue(search=q)
    ]


@router.get(
    "/stats", response=list[StatOut], summary="数据质量问题统计：按规则或行政区逐月汇总（本人所辖行政区）"
)
def stats(request: HttpRequest, q: Query[StatsQuery]) -> list[StatOut]:
    ensure_page(request, PAGE)
    filters = StatsFilter(
        month_from=parse_month(q.month_from, field="month_from"),
        month_to=parse_month(q.month_to, field="month_to"),
        severity=q.severity,
        stage=q.stage,
        region_code=q.region_code,
        rule_id=q.rule_id.strip().upper(),
        group=q.group,
        sort=q.sort,
    )
    return [
        StatOut(
            month=row.month_text,
            key=row.key,
            label=row.label,
            total=row.total,
            blocking=row.blocking,
            warnings=row.warnings,
            subjects=row.subjects,
            summary=row.summary(filters.group),
        )
        for row in finding_stats(user=request.user, filters=filters)
    ]
