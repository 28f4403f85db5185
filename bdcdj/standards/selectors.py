"""Reads of the national standards: dictionaries, RecType and YSDM catalogues, certificate templates.

Standards are reference data shared by every district, so these selectors take no acting user.
Dictionary lookups sit on hot paths (every imported row, every message field), so each process
keeps the dictionaries it has read in memory. The cache is dropped at once in the process that
saves a dictionary (signals, `standards_load`), and entries expire after
`BDCDJ_DICTIONARY_CACHE_SECONDS` (default 60) so other processes pick up admin edits too.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings

from bdcdj.core.env import env_int, env_str
from bdcdj.core.errors import InvalidInput, NotFound
from bdcdj.standards.catalogues import RECTYPE_SCHEMES, RecType, rectype_table, ysdm_table
from bdcdj.standards.models import CertificateKind, CertificateNumberTemplate, Dictionary, DictionaryItem

DEFAULT_VERSION = "2021"
DEFAULT_CACHE_SECONDS = 60


def standard_version() -> str:
    """The dictionary version used when a caller passes none: setting, then env var, then 2021."""
    fallback = env_str("BDCDJ_STANDARD_VERSION", DEFAULT_VERSION) or DEFAULT_VERSION
    return str(getattr(settings, "BDCDJ_STANDARD_VERSION", fallback))


def _cache_seconds() -> int:
    fallback = env_int("BDCDJ_DICTIONARY_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)
    return int(getattr(settings, "BDCDJ_DICTIONARY_CACHE_SECONDS", fallback))


@dataclass(frozen=True)
class DictionaryEntry:
    """A dictionary as read at one moment. Items are shared model instances: treat them as read-only."""

    code: str
    version: str
    name: str
    source: str
    note: str
    all_items: tuple[DictionaryItem, ...]
    labels: dict[str, str]
    active_codes: frozenset[str]
    generation: int
    loaded_at: float

    @property
    def items(self) -> list[DictionaryItem]:
        return [item for item in self.all_items if item.is_active]


_lock = threading.Lock()
_entries: dict[tuple[str, str], DictionaryEntry] = {}
_generation = 0


def dictionary_cache_clear() -> None:
    """Forget every cached dictionary in this process (called on every dictionary write)."""
    global _generation
    with _lock:
        _generation += 1
        _entries.clear()


def _entry(code: str, version: str | None) -> DictionaryEntry:
    version = version or standard_version()
    key = (code, version)
    entry = _entries.get(key)
    now = time.monotonic()
    if entry is not None and entry.generation == _generation and now - entry.loaded_at < _cache_seconds():
        return entry
    generation = _generation
    dictionary = Dictionary.objects.filter(code=code, version=version).first()
    if dictionary is None:
        raise _dictionary_missing(code, version)
    items = tuple(dictionary.items.order_by("sort_order", "code"))
    entry = DictionaryEntry(
        code=dictionary.code,
        version=dictionary.version,
        name=dictionary.name,
        source=dictionary.source,
        note=dictionary.note,
        all_items=items,
        labels={item.code: item.label for item in items},
        active_codes=frozenset(item.code for item in items if item.is_active),
        generation=generation,
        loaded_at=now,
    )
    with _lock:
        if generation == _generation:
            _entries[key] = entry
    return entry


def _dictionary_missing(code: str, version: str) -> NotFound:
    versions = sorted(Dictionary.objects.filter(code=code).values_list("version", flat=True))
    if versions:
        message = f"字典 {code} 没有 {version} 版本（现有版本：{'、'.join(versions)}）"
    else:
        message = f"字典 {code} 不存在"
    return NotFound(code="unknown_dictionary", message=message, fields={"code": message})


def dictionary_get(*, code: str, version: str | None = None) -> DictionaryEntry:
    """One dictionary with its items; NotFound if the code or version does not exist."""
    return _entry(code, version)


def dictionaries(*, version: str | None = None) -> list[Dictionary]:
    """Every dictionary (each version is a row), optionally of one version only."""
    queryset = Dictionary.objects.order_by("code", "version")
    if version:
        queryset = queryset.filter(version=version)
    return list(queryset)


def dictionary_items(*, code: str, version: str | None = None) -> list[DictionaryItem]:
    """Active items in display order (e.g. for a select box)."""
    return _entry(code, version).items


def dictionary_has(*, code: str, value: str, version: str | None = None) -> bool:
    """Whether `value` is an active code of the dictionary; NotFound for an unknown dictionary."""
    return str(value) in _entry(code, version).active_codes


def dictionary_label(*, code: str, value: str, version: str | None = None) -> str | None:
    """The label of a code, inactive ones included, so old data still reads; None if unknown."""
    return _entry(code, version).labels.get(str(value))


def dictionary_require(*, code: str, value: str, field: str, version: str | None = None) -> None:
    """Raise InvalidInput (code `unknown_dictionary_code`) unless `value` is an active code."""
    entry = _entry(code, version)
    if str(value) in entry.active_codes:
        return
    if value is None or str(value) == "":
        message = f"{entry.name}不能为空，应为字典 {entry.code}（{entry.name}）中的代码"
    elif str(value) in entry.labels:
        message = f"{entry.name}“{value}”（{entry.labels[str(value)]}）已停用，不能再使用"
    else:
        message = f"{entry.name}“{value}”不在字典 {entry.code}（{entry.name}）中"
    raise InvalidInput(code="unknown_dictionary_code", message=message, fields={field: message})


def _scheme(scheme: str) -> str:
    if scheme not in RECTYPE_SCHEMES:
        message = f"业务编码方案应为 2015 或 revised（修订版），实际为“{scheme}”"
        raise InvalidInput(code="unknown_rectype_scheme", message=message, fields={"scheme": message})
    return scheme


def rectypes(*, scheme: str) -> list[RecType]:
    """All 业务编码 of one scheme ("2015" or "revised"), by code."""
    _scheme(scheme)
    return sorted((rt for (s, _), rt in rectype_table().items() if s == scheme), key=lambda rt: rt.rectype)


def rectype_get(*, scheme: str, rectype: str) -> RecType:
    """One 业务编码. The same code can mean different businesses in the two schemes (9000101)."""
    found = rectype_table().get((_scheme(scheme), rectype))
    if found is None:
        message = f"业务编码 {rectype} 不在{'2015版' if scheme == '2015' else '修订版'}业务编码表中"
        raise NotFound(code="unknown_rectype", message=message, fields={"rectype": message})
    return found


def ysdm_for_table(element: str, *, qllx: str | None = None) -> str:
    """The 要素代码 (YSDM) that rows of an access table carry.

    Tables holding several kinds of right (QLF_QL_JSYDSYQ, QLF_QL_HYSYQ, QLT_QL_LQ, QLF_QL_NYDSYQ)
    get the precise code when `qllx` is given, otherwise the table's default.
    """
    candidates = [row for row in ysdm_table() if element in row.elements]
    if qllx is not None:
        for row in candidates:
            if str(qllx) in row.qllx:
                return row.ysdm
    for row in candidates:
        if row.is_default:
            return row.ysdm
    message = f"数据表 {element} 没有对应的要素代码（YSDM）"
    raise NotFound(code="unknown_ysdm_element", message=message, fields={"element": message})


def certificate_template_get(*, region_code: str, kind: str, year: int) -> CertificateNumberTemplate:
    """The template for a district, kind and year; a year-specific one wins over the any-year one."""
    templates = CertificateNumberTemplate.objects.filter(region_code=region_code, kind=kind)
    template = templates.filter(year=year).first() or templates.filter(year__isnull=True).first()
    if template is None:
        label = CertificateKind(kind).label if kind in CertificateKind.values else kind
        message = f"行政区 {region_code} 未配置{year}年的{label}号模板，请在管理后台“证号模板”中配置"
        raise NotFound(code="certificate_template_missing", message=message, fields={"region_code": message})
    return template
