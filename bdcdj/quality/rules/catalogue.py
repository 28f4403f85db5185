"""The rule catalogue: `catalogue.yaml` parsed into `Rule` values and validated as a whole.

A rule is data: id, Chinese title and description, severity, the check kind and its
parameters, the tables it reads and optionally the stages, standard versions and RecTypes
it is limited to, plus severity overrides per stage or version. Anything wrong — an unknown
kind, severity, table, stage or parameter, a field the tables do not have, a duplicate id —
raises CatalogueError when the catalogue is loaded, so a bad edit never reaches 登簿.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from bdcdj.quality.findings import VERSIONS, Severity, Stage
from bdcdj.quality.rules.params import KINDS, parse_params
from bdcdj.quality.rules.tables import CatalogueError, TableSpec

RULE_ID = re.compile(r"^Q-[A-Z0-9]{2,8}-\d{3}$")
RULE_KEYS = frozenset(
    {
        "id",
        "title",
        "description",
        "severity",
        "kind",
        "tables",
        "stages",
        "versions",
        "rectypes",
        "overrides",
        "params",
    }
)
RECTYPE = re.compile(r"^\d{7}$")


@dataclass(frozen=True)
class Override:
    """A different severity at one stage and/or under one standard version."""

    severity: str
    stage: str = ""
    version: str = ""

    def matches(self, *, stage: str, version: str) -> bool:
        return (not self.stage or self.stage == stage) and (not self.version or self.version == version)


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    description: str
    severity: str
    kind: str
    tables: tuple[str, ...]
    stages: frozenset[str]
    versions: frozenset[str]
    rectypes: frozenset[str]
    overrides: tuple[Override, ...]
    params: Any

    def applies(self, *, stage: str, version: str, rectype: str | None) -> bool:
        if stage not in self.stages or version not in self.versions:
            return False
        return rectype is None or not self.rectypes or rectype in self.rectypes

    def severity_for(self, *, stage: str, version: str) -> str:
        """The first matching override wins; otherwise the rule's own severity."""
        for override in self.overrides:
            if override.matches(stage=stage, version=version):
                return override.severity
        return self.severity

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label

    @property
    def overrides_text(self) -> str:
        """Chinese summary of the overrides, e.g. 存量导入：警告；2015版：警告."""
        parts = []
        for o in self.overrides:
            where = "、".join(
                p
                for p in (Stage(o.stage).label if o.stage else "", f"{o.version}版" if o.version else "")
                if p
            )
            parts.append(f"{where}：{Severity(o.severity).label}")
        return "；".join(parts)


# A rule without `stages` checks the rows of 登簿, message ingest and stock import; the survey
# stage (parcel shapes) runs only the rules that name it.
DEFAULT_STAGES = (Stage.REGISTER.value, Stage.INGEST.value, Stage.STOCK.value)


def _choices(
    rule_id: str,
    raw: Any,
    allowed: tuple[str, ...] | list[str],
    what: str,
    default: tuple[str, ...] | list[str] | None = None,
) -> frozenset[str]:
    if raw is None:
        return frozenset(allowed if default is None else default)
    values = raw if isinstance(raw, list) else [raw]
    result = frozenset(str(v) for v in values)
    unknown = result - set(allowed)
    if not result or unknown:
        raise CatalogueError(f"规则 {rule_id}: 未知的{what} {', '.join(sorted(unknown)) or '（空）'}")
    return result


def _text(rule_id: str, raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"规则 {rule_id}: {key} 不能为空")
    return " ".join(value.split())


def _tables(rule_id: str, raw: Any, all_tables: dict[str, TableSpec]) -> tuple[str, ...]:
    if raw == "all":
        return tuple(all_tables)
    if not isinstance(raw, list) or not raw:
        raise CatalogueError(f"规则 {rule_id}: tables 应为表代码列表或 all")
    unknown = [t for t in raw if t not in all_tables]
    if unknown:
        raise CatalogueError(f"规则 {rule_id}: 未知的表 {', '.join(map(str, unknown))}")
    return tuple(dict.fromkeys(raw))


def _overrides(rule_id: str, raw: Any) -> tuple[Override, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise CatalogueError(f"规则 {rule_id}: overrides 应为列表")
    result = []
    for item in raw:
        if (
            not isinstance(item, dict)
            or "severity" not in item
            or set(item) - {"severity", "stage", "version"}
        ):
            raise CatalogueError(f"规则 {rule_id}: overrides 的每一项须有 severity，可有 stage、version")
        if len(item) == 1:
            raise CatalogueError(f"规则 {rule_id}: override 须指定 stage 或 version")
        severity = str(item["severity"])
        stage, version = str(item.get("stage", "")), str(item.get("version", ""))
        if severity not in Severity.values:
            raise CatalogueError(f"规则 {rule_id}: 未知的严重程度 {severity}")
        if stage and stage not in Stage.values:
            raise CatalogueError(f"规则 {rule_id}: 未知的检查环节 {stage}")
        if version and version not in VERSIONS:
            raise CatalogueError(f"规则 {rule_id}: 未知的标准版本 {version}")
        result.append(Override(severity=severity, stage=stage, version=version))
    return tuple(result)


def _rule(raw: Any, all_tables: dict[str, TableSpec]) -> Rule:
    if not isinstance(raw, dict):
        raise CatalogueError(f"规则应为映射，实际为 {raw!r}")
    rule_id = str(raw.get("id", ""))
    if not RULE_ID.match(rule_id):
        raise CatalogueError(f"规则编号 {rule_id!r} 应形如 Q-REQ-001")
    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise CatalogueError(f"规则 {rule_id}: 未知的键 {', '.join(sorted(unknown))}")
    severity = raw.get("severity")
    if severity not in Severity.values:
        raise CatalogueError(f"规则 {rule_id}: 严重程度应为 block 或 warn，实际为 {severity!r}")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise CatalogueError(f"规则 {rule_id}: 未知的检查类型 {kind!r}")
    tables = _tables(rule_id, raw.get("tables"), all_tables)
    rectypes = frozenset(str(r) for r in raw.get("rectypes") or [])
    if any(not RECTYPE.match(r) for r in rectypes):
        raise CatalogueError(f"规则 {rule_id}: 业务编码应为7位数字")
    return Rule(
        id=rule_id,
        title=_text(rule_id, raw, "title"),
        description=_text(rule_id, raw, "description"),
        severity=severity,
        kind=kind,
        tables=tables,
        stages=_choices(rule_id, raw.get("stages"), Stage.values, "检查环节", DEFAULT_STAGES),
        versions=_choices(rule_id, raw.get("versions"), VERSIONS, "标准版本"),
        rectypes=rectypes,
        overrides=_overrides(rule_id, raw.get("overrides")),
        params=parse_params(
            kind,
            rule_id,
            raw.get("params"),
            tables=[all_tables[t] for t in tables],
            all_tables=all_tables,
        ),
    )


def parse_catalogue(text: str, *, tables: dict[str, TableSpec]) -> tuple[Rule, ...]:
    """Parse and validate a whole catalogue (YAML text with a top-level `rules:` list)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"规则目录不是有效的 YAML：{exc}") from None
    if not isinstance(data, dict) or set(data) != {"rules"} or not isinstance(data["rules"], list):
        raise CatalogueError("规则目录应只有一个顶层键 rules，其值为规则列表")
    rules = tuple(_rule(raw, tables) for raw in data["rules"])
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise CatalogueError(f"规则编号 {rule.id} 重复")
        seen.add(rule.id)
    return rules
