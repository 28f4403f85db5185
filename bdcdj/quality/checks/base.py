"""What every check receives and returns.

A check is a function `(rule, table, row, scope) -> Iterable[Hit]` registered for one kind.
It looks at one row of one table; `scope` gives it the context, the other rows of the same
unit (joined on BDCDYH) and dictionary lookups in the context's standard version. The
engine turns each Hit into a Finding with the rule's id and severity and the row's place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bdcdj.quality.findings import QualityContext, Row, RowSet
from bdcdj.quality.rules import Rule, TableSpec
from bdcdj.quality.rules.params import Predicate
from bdcdj.quality.values import as_text, is_blank, looks_like
from bdcdj.standards.selectors import DictionaryEntry, dictionary_get

# The field that names the unit a row is about, in the order tables use it (地役权 has no BDCDYH).
UNIT_FIELDS = ("BDCDYH", "GYDBDCDYH")


@dataclass(frozen=True)
class Hit:
    field: str
    message: str
    suggestion: str = ""
    suggested_codes: tuple[str, ...] = ()


@dataclass
class Scope:
    rows: RowSet
    context: QualityContext
    tables: dict[str, TableSpec]
    _by_unit: dict[str, dict[str, list[Row]]] = field(default_factory=dict)

    def present(self, row: Row, code: str) -> bool:
        """Whether the row says anything about the field (see QualityContext.partial_rows)."""
        return not self.context.partial_rows or code in row

    def unit_rows(self, table: str, row: Row) -> list[Row]:
        """Rows of `table` about the same unit as `row`."""
        code = unit_code_of(row)
        if not code:
            return []
        index = self._by_unit.get(table)
        if index is None:
            index = {}
            for other in self.rows.get(table, ()):
                index.setdefault(unit_code_of(other), []).append(other)
            self._by_unit[table] = index
        return index.get(code, [])

    def dictionary(self, code: str) -> DictionaryEntry:
        return dictionary_get(code=code, version=self.context.version)

    def coded(self, dictionary: str, value: Any) -> str:
        """“80”（其它） — a code with its label when the dictionary knows it."""
        text = as_text(value)
        label = self.dictionary(dictionary).labels.get(text) if dictionary else None
        return f"“{text}”（{label}）" if label else f"“{text}”"

    def holds(self, predicate: Predicate, row: Row) -> bool:
        """Whether the predicate holds for the row (or any row of `predicate.table` about the same unit)."""
        candidates = self.unit_rows(predicate.table, row) if predicate.table else [row]
        return any(_holds(predicate, candidate.get(predicate.field)) for candidate in candidates)

    def describe(self, predicate: Predicate, table: TableSpec) -> str:
        """Chinese text of a predicate, for messages: 抵押方式（DYFS）为“2”（最高额抵押）."""
        spec = self.tables[predicate.table or table.code].fields.get(predicate.field)
        label = spec.label if spec else predicate.field
        dictionary = spec.dictionary if spec else ""
        if predicate.equals is not None:
            return f"{label}为{self.coded(dictionary, predicate.equals)}"
        if predicate.is_in:
            return f"{label}为{'或'.join(self.coded(dictionary, v) for v in predicate.is_in)}"
        return f"{label}满足条件"


def _holds(predicate: Predicate, value: Any) -> bool:
    if is_blank(value):
        return False
    text = as_text(value)
    if predicate.equals is not None:
        return text == predicate.equals
    if predicate.is_in:
        return text in predicate.is_in
    if predicate.matches is not None:
        return predicate.matches.search(text) is not None
    if predicate.contains:
        return any(part in text for part in predicate.contains)
    if predicate.looks_like:
        return looks_like(predicate.looks_like, text)
    return predicate.not_empty


def unit_code_of(row: Row) -> str:
    for code in UNIT_FIELDS:
        value = as_text(row.get(code))
        if value:
            return value.upper()
    return ""


Check = Callable[[Rule, TableSpec, Row, Scope], Iterable[Hit]]
