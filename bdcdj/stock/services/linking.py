"""Linking staged rows: 客体-主体-权利 and the 上手/下手 chains.

* A right finds its unit by code (its BDCDYH among the batch's unit rows, or a unit already in
  the register); failing that, by location and area: an equal normalised 坐落 scores 0.6 and an
  equal area 0.4 (within 1 % 0.2), and a single candidate scoring ≥ 0.8 is linked and reported
  as 待确认. Anything else is a right without unit.
* A party belongs to the right built from the same source row, else to the right with its
  certificate number. Parties across registers are merged by ID number (blind index); the same ID
  number under different names is reported.
* Title rights chain through the predecessor's certificate number or business number.

Every run replaces the batch's links and link report, so linking again gives the same result.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction

from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import require_tenant
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import InvalidInput
from bdcdj.register.models import Unit
from bdcdj.stock.models import Job, LinkFinding, LinkKind, StagedRow, StockBatch
from bdcdj.stock.services.progress import Progress, job_finish, job_start
from bdcdj.stock.tables import (
    CURRENT,
    HOUSE_AREA,
    HOUSE_TABLE,
    LAND_RIGHT_TABLES,
    LAND_UNIT_SUFFIX,
    LOCATION,
    PARCEL_TABLE,
    PARTY_TABLE,
    RIGHT_AREA,
    RIGHT_LOCATION,
    RIGHT_TABLES,
    STATUS,
    TITLE_TABLES,
    UNIT_TABLES,
)

ACCEPT_SCORE = Decimal("0.8")
CHUNK = 2000
_SYNONYMS = (("号楼", "幢"), ("栋", "幢"), ("单元", "单元"), ("房", "室"))


def normal_location(text: str) -> str:
    """坐落 compared without spaces and punctuation, half-width, with 号楼/栋 read as 幢."""
    value = "".join(unicodedata.normalize("NFKC", text or "").split())
    for old, new in _SYNONYMS:
        value = value.replace(old, new)
    return "".join(ch for ch in value if ch not in "-—,，.。()（）#")


def _area(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


@dataclass
class _Row:
    id: int
    table: str
    source: str
    key: str
    code: str
    certificate: str
    business: str
    prev_certificate: str
    prev_business: str
    id_index: str
    name_index: str
    data: dict
    unit: _Row | None = None
    unit_in_register: bool = False
    right: _Row | None = None
    predecessor: _Row | None = None
    method: str = ""
    confidence: Decimal | None = None
    party_key: str = ""
    successors: list[_Row] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.source} 第{self.key}行"

    @property
    def label(self) -> str:
        return self.certificate or self.business or self.where


class _Report:
    def __init__(self, batch: StockBatch) -> None:
        self.batch = batch
        self.items: list[LinkFinding] = []

    def add(
        self,
        kind: str,
        row: _Row | None,
        key: str,
        message: str,
        *,
        related: _Row | None = None,
        confidence: Decimal | None = None,
    ) -> None:
        self.items.append(
            LinkFinding(
                batch=self.batch,
                kind=kind,
                row_id=row.id if row else None,
                related_id=related.id if related else None,
                key=key[:100],
                confidence=confidence,
                message=message,
            )
        )


def _load(batch: StockBatch) -> list[_Row]:
    fields = (
        "id",
        "table_code",
        "source",
        "source_key",
        "unit_code",
        "certificate",
        "business_no",
        "prev_certificate",
        "prev_business",
        "id_index",
        "name_index",
        "data",
    )
    return [
        _Row(*values)
        for values in StagedRow.objects.filter(batch=batch)
        .order_by("id")
        .values_list(*fields)
        .iterator(chunk_size=CHUNK)
    ]


def _link_units(rows: list[_Row], report: _Report) -> dict[str, dict[str, _Row]]:
    """Unit rows by table and code. A code seen twice in one table is a duplicate, unless both
    rows come with a right of their own and say the same (a land register repeats the parcel
    on every right of it)."""
    with_right = {(r.source, r.key) for r in rows if r.table in RIGHT_TABLES}
    units: dict[str, dict[str, _Row]] = defaultdict(dict)
    for row in rows:
        if row.table not in UNIT_TABLES or not row.code:
            continue
        first = units[row.table].get(row.code)
        if first is None:
            units[row.table][row.code] = row
        elif not (
            (row.source, row.key) in with_right
            and (first.source, first.key) in with_right
            and row.data == first.data
        ):
            report.add(
                LinkKind.DUPLICATE_UNIT,
                row,
                row.code,
                f"单元 {row.code} 在{row.where}与{first.where}重复出现",
                related=first,
            )
    return units


def _heuristic(right: _Row, candidates: list[_Row]) -> tuple[_Row | None, Decimal]:
    best, best_score, tie = None, Decimal(0), False
    area = _area(right.data.get(RIGHT_AREA))
    for unit in candidates:
        score = Decimal("0.6")
        unit_area = _area(unit.data.get(HOUSE_AREA))
        if area is not None and unit_area is not None:
            if abs(area - unit_area) <= Decimal("0.01"):
                score += Decimal("0.4")
            elif unit_area and abs(area - unit_area) / unit_area <= Decimal("0.01"):
                score += Decimal("0.2")
        if score > best_score:
            best, best_score, tie = unit, score, False
        elif score == best_score:
            tie = True
    return (None if tie else best), best_score


def _link_rights(
    rows: list[_Row], units: dict[str, dict[str, _Row]], region: str, report: _Report
) -> list[_Row]:
    rights = [r for r in rows if r.table in RIGHT_TABLES]
    wanted = {r.code for r in rights if r.code} - set(units[HOUSE_TABLE]) - set(units[PARCEL_TABLE])
    in_register = set(Unit.objects.filter(region_code=region, code__in=wanted).values_list("code", flat=True))
    by_location: dict[str, list[_Row]] = defaultdict(list)
    for table in (HOUSE_TABLE, PARCEL_TABLE):
        for unit in units[table].values():
            by_location[normal_location(unit.data.get(LOCATION, ""))].append(unit)
    for right in rights:
        tables = (
            (PARCEL_TABLE, HOUSE_TABLE) if right.table in LAND_RIGHT_TABLES else (HOUSE_TABLE, PARCEL_TABLE)
        )
        code = right.code
        found = next(
            (units[t][c] for t in tables for c in (code, code[:19] + LAND_UNIT_SUFFIX) if c in units[t]), None
        )
        if found is not None:
            right.unit, right.method, right.confidence = found, "code", Decimal(1)
            continue
        if code in in_register:
            right.unit_in_register, right.method, right.confidence = True, "register", Decimal(1)
            continue
        place = normal_location(right.data.get(RIGHT_LOCATION) or right.data.get(LOCATION, ""))
        guess, score = _heuristic(right, by_location.get(place, [])) if place else (None, Decimal(0))
        if guess is not None and score >= ACCEPT_SCORE:
            right.unit, right.method, right.confidence = guess, "heuristic", score
            report.add(
                LinkKind.HEURISTIC,
                right,
                right.label,
                f"{right.where}的权利按坐落和面积关联到单元 {guess.code}（{guess.where}），"
                f"可信度 {score}，请核实",
                related=guess,
                confidence=score,
            )
            continue
        report.add(
            LinkKind.RIGHT_WITHOUT_UNIT,
            right,
            right.label,
            f"{right.where}的权利（单元号“{code or '空'}”）在暂存数据和登记簿中都找不到对应单元",
        )
    return rights


def _duplicates_and_currents(rights: list[_Row], report: _Report) -> None:
    by_certificate: dict[tuple[str, str], _Row] = {}
    for right in rights:
        if not right.certificate:
            continue
        first = by_certificate.setdefault((right.table, right.certificate), right)
        if first is not right:
            report.add(
                LinkKind.DUPLICATE_RIGHT,
                right,
                right.certificate,
                f"证号 {right.certificate} 在{right.where}与{first.where}重复",
                related=first,
            )
    current: dict[object, dict[str, _Row]] = defaultdict(dict)
    for right in rights:
        if (
            right.table in TITLE_TABLES
            and right.data.get(STATUS) == CURRENT
            and (right.unit or right.unit_in_register)
        ):
            unit_key = right.unit.id if right.unit else right.code
            current[unit_key].setdefault(right.certificate or right.where, right)
    for group in current.values():
        if len(group) > 1:
            first, *others = group.values()
            code = first.unit.code if first.unit else first.code
            report.add(
                LinkKind.MULTIPLE_CURRENT,
                first,
                code,
                f"单元 {code} 有{len(group)}个现势权利：" + "、".join(r.label for r in group.values()),
                related=others[0],
            )


def _chains(rights: list[_Row], report: _Report) -> None:
    titles = [r for r in rights if r.table in TITLE_TABLES]
    by_certificate = {r.certificate: r for r in reversed(titles) if r.certificate}
    by_business = {r.business: r for r in reversed(titles) if r.business}
    for right in titles:
        if not right.prev_certificate and not right.prev_business:
            continue
        previous = by_certificate.get(right.prev_certificate) if right.prev_certificate else None
        if previous is None and right.prev_business:
            previous = by_business.get(right.prev_business)
        wanted = right.prev_certificate or right.prev_business
        if previous is None or previous is right:
            report.add(
                LinkKind.BROKEN_CHAIN, right, right.label, f"{right.where}的上手“{wanted}”在暂存数据中找不到"
            )
            continue
        mine = right.unit.code if right.unit else right.code
        theirs = previous.unit.code if previous.unit else previous.code
        if mine and theirs and mine != theirs:
            report.add(
                LinkKind.CHAIN_UNIT,
                right,
                right.label,
                f"{right.where}的上手“{wanted}”（{previous.where}）在单元 {theirs}，本权利在单元 {mine}",
                related=previous,
            )
            continue
        if previous.successors:
            report.add(
                LinkKind.CHAIN_FORK,
                right,
                previous.label,
                f"{previous.where}的权利已有下手（{previous.successors[0].where}），{right.where}也以它为上手",
                related=previous,
            )
            continue
        right.predecessor = previous
        previous.successors.append(right)


def _parties(rows: list[_Row], rights: list[_Row], report: _Report) -> None:
    by_source_row = {(r.source, r.key): r for r in reversed(rights)}
    by_certificate = {r.certificate: r for r in reversed(rights) if r.certificate}
    names_by_id: dict[str, dict[str, _Row]] = defaultdict(dict)
    for party in rows:
        if party.table != PARTY_TABLE:
            continue
        right = by_source_row.get((party.source, party.key)) or by_certificate.get(party.certificate)
        if right is None:
            report.add(
                LinkKind.PARTY_WITHOUT_RIGHT, party, party.where, f"{party.where}的权利人找不到对应的权利"
            )
        else:
            party.right, party.unit, party.method = right, right.unit, "row"
        if party.id_index:
            party.party_key = party.id_index
            if party.name_index:
                names_by_id[party.id_index].setdefault(party.name_index, party)
        elif party.name_index:
            party.party_key = "name:" + party.name_index
    for variants in names_by_id.values():
        if len(variants) > 1:
            first, *others = variants.values()
            shown = first.data.get("ZJH", "")
            report.add(
                LinkKind.PARTY_CONFLICT,
                first,
                shown,
                f"证件号 {shown} 在{len(variants)}处登记的名称不一致："
                + "、".join(p.where for p in variants.values()),
                related=others[0],
            )


def _orphan_units(units: dict[str, dict[str, _Row]], rights: list[_Row], report: _Report) -> None:
    used = {r.unit.id for r in rights if r.unit is not None}
    house_parcels = {code[:19] for code in units[HOUSE_TABLE]}
    for table in (PARCEL_TABLE, HOUSE_TABLE):
        for unit in units[table].values():
            if unit.id in used or (table == PARCEL_TABLE and unit.code[:19] in house_parcels):
                continue
            report.add(
                LinkKind.UNIT_WITHOUT_RIGHT, unit, unit.code, f"{unit.where}的单元 {unit.code} 没有任何权利"
            )


def stock_link(
    *, batch: StockBatch, on_progress: Callable[[StockBatch], None] | None = None, force: bool = False
) -> dict[str, int]:
    """Link the batch's rows and rebuild its link report; returns the count per finding kind.
    Links are written in committed chunks (progress is visible); the report is replaced at the end
    in one transaction. `force` takes over a job left behind by a killed process."""
    batch = job_start(batch=batch, job=Job.LINK, total=batch.rows_staged, force=force)
    try:
        counts = _run(batch, Progress(batch, on_progress))
    except BaseException as exc:
        job_finish(batch=batch, error=f"关联失败：{type(exc).__name__}")
        raise
    job_finish(batch=batch, stamp="linked_at", link=counts)
    return counts


def _run(batch: StockBatch, progress: Progress) -> dict[str, int]:
    rows = _load(batch)
    report = _Report(batch)
    units = _link_units(rows, report)
    rights = _link_rights(rows, units, batch.region_code, report)
    _duplicates_and_currents(rights, report)
    _chains(rights, report)
    _parties(rows, rights, report)
    _orphan_units(units, rights, report)
    counts: dict[str, int] = defaultdict(int)
    for item in report.items:
        counts[item.kind] += 1
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        with transaction.atomic():
            StagedRow.objects.bulk_update(
                [
                    StagedRow(
                        id=r.id,
                        unit_row_id=r.unit.id if r.unit else None,
                        right_row_id=r.right.id if r.right else None,
                        predecessor_id=r.predecessor.id if r.predecessor else None,
                        link_method=r.method,
                        link_confidence=r.confidence,
                        party_key=r.party_key,
                    )
                    for r in chunk
                ],
                ["unit_row", "right_row", "predecessor", "link_method", "link_confidence", "party_key"],
            )
            progress.set(start + len(chunk))
    with transaction.atomic():
        LinkFinding.objects.filter(batch=batch).delete()
        LinkFinding.objects.bulk_create(report.items, batch_size=1000)
    return dict(counts)


def stock_link_confirm(*, batch: StockBatch, by: User, finding_ids: list[int]) -> int:
    """A clerk confirms links found by location and area: the right takes its unit's code
    (BDCDYH), the finding leaves the report, the unit is checked again; audited. Returns the
    number of links confirmed."""
    from bdcdj.stock.services.checking import recheck_rows

    require_tenant(user=by, region_code=batch.region_code)
    findings = list(
        LinkFinding.objects.filter(batch=batch, kind=LinkKind.HEURISTIC, pk__in=finding_ids).select_related(
            "row", "related"
        )
    )
    if not findings:
        raise InvalidInput(code="stock_nothing_to_confirm", message="没有选中待确认的推断关联")
    with transaction.atomic():
        for finding in findings:
            right, unit = finding.row, finding.related
            assert right is not None and unit is not None  # a heuristic finding names both
            right.data = {**right.data, "BDCDYH": unit.unit_code}  # 不动产单元号
            right.unit_code = unit.unit_code
            right.link_method = "confirmed"
            right.save(update_fields=["data", "unit_code", "link_method"])
        LinkFinding.objects.filter(pk__in=[f.pk for f in findings]).delete()
        audit_record(
            actor=by,
            action="stock.link_confirm",
            object_type="stock_batch",
            object_id=str(batch.pk),
            region_code=batch.region_code,
            detail={
                "links": [
                    {"right_row": f.row_id, "unit": f.related.unit_code if f.related else ""}
                    for f in findings
                ]
            },
        )
    recheck_rows(batch=batch, row_ids={f.row_id for f in findings if f.row_id is not None})
    return len(findings)
