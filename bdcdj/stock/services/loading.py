"""Loading staged rows into the register, through its only writer `register.services.record`.

Order: (1) per parcel, one 单元入库 (ADD_UNITS) with the parcel, its buildings and house units
not yet in the register; (2) each title chain (上手 → 下手) as 存量 首次登记 (CREATE, 100) of its
first right followed by 转移登记 (TRANSFER, 200) of each successor, every step at its own legacy
登记时间, so the register holds the history with predecessors and 历史 status; (3) current
mortgages as 抵押权首次登记 on the loaded titles.

Each `record` call and the staged row's checkpoint (status 已入库, register right id) commit
together, so a re-run skips what is done and retries what failed. A row is not loaded while it
has a finding that would also block at 登簿 (`quality` severity at stage register); unit gaps
that 登簿 only warns about (Q-REQ-002) do not hold a row back. Not loaded, with a reason: rights
without a unit, duplicates, chains whose last right is not 现势, ended mortgages, and tables other
than 宗地/户/建设用地使用权/房地产权/抵押权.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import require_tenant
from bdcdj.core.errors import DomainError
from bdcdj.quality.rules import RULES_BY_ID
from bdcdj.register.models import Building, Parcel, Unit
from bdcdj.register.services import (
    BuildingSpec,
    HouseOwnershipSpec,
    LandUseSpec,
    MortgageSpec,
    Operation,
    ParcelSpec,
    PartyRole,
    PartySpec,
    RegistrationItem,
    RightKind,
    RightSpec,
    UnitSpec,
    record,
)
from bdcdj.register.standard_fields import DETAIL_FIELDS
from bdcdj.stock.models import Job, LoadStatus, StagedRow, StockBatch, StockFinding
from bdcdj.stock.services.progress import Progress, job_finish, job_start
from bdcdj.stock.services.rows import decrypt_personal
from bdcdj.stock.tables import (
    CURRENT,
    HOUSE_RIGHT_TABLE,
    HOUSE_TABLE,
    LAND_UNIT_SUFFIX,
    MORTGAGE_TABLE,
    PARCEL_TABLE,
    PARTY_TABLE,
    REGISTERED,
    STATUS,
    TITLE_TABLES,
)

LOCAL = ZoneInfo("Asia/Shanghai")
FIRST_TYPES = {"100", "900"}  # 登记类型 a CREATE may carry


def _gating_rows(batch: StockBatch) -> set[int]:
    """Rows with a finding that blocks at 登簿 too."""
    gating = {
        rule_id
        for rule_id, rule in RULES_BY_ID.items()
        if rule.severity_for(stage="register", version=batch.standard_version) == "block"
    }
    return set(
        StockFinding.objects.filter(batch=batch, severity="block", rule_id__in=gating).values_list(
            "row_id", flat=True
        )
    )


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _moment(row: StagedRow) -> dt.datetime | None:
    day = _date(row.data.get(REGISTERED))
    return dt.datetime.combine(day, dt.time(0), tzinfo=LOCAL) if day else None


def _detail(model: str, data: dict[str, str], spec: type, fields: dict[str, str] | None = None) -> Any:
    """A detail spec from the standard fields (`register.standard_fields.DETAIL_FIELDS`)."""
    values: dict[str, Any] = {}
    annotations = {f.name: f for f in dataclasses.fields(spec)}
    for name, code in (fields or DETAIL_FIELDS[model]).items():
        raw = data.get(code)
        if name not in annotations or not raw:
            continue
        kind = str(annotations[name].type)
        if "Decimal" in kind:
            values[name] = _decimal(raw)
        elif "date" in kind:
            values[name] = _date(raw)
        elif "int" in kind:
            values[name] = int(_decimal(raw) or 0)
        elif "bool" in kind:
            values[name] = raw == "1"
        else:
            values[name] = raw
    return spec(**{k: v for k, v in values.items() if v is not None})


class _Loader:
    def __init__(self, batch: StockBatch, by: User, progress: Progress) -> None:
        self.batch, self.by, self.progress = batch, by, progress
        self.rows = {r.id: r for r in StagedRow.objects.filter(batch=batch).order_by("id")}
        self.gating = _gating_rows(batch)
        self.parties: dict[int, list[StagedRow]] = defaultdict(list)
        for row in self.rows.values():
            if row.table_code == PARTY_TABLE and row.right_row_id:
                self.parties[row.right_row_id].append(row)
        self.done = 0
        self.counts: dict[str, int] = defaultdict(int)

    # -- bookkeeping -------------------------------------------------------------------------
    def _mark(self, row: StagedRow, status: str, message: str = "", right_id: int | None = None) -> None:
        row.load_status, row.load_error = status, message[:2000]
        fields: dict[str, object] = {"load_status": status, "load_error": row.load_error}
        if status == LoadStatus.LOADED:
            fields.update(register_right_id=right_id, loaded_at=timezone.now())
        StagedRow.objects.filter(pk=row.pk).update(**fields)
        self.counts[status] += 1

    def _mark_right(self, right: StagedRow, status: str, message: str) -> None:
        for row in (right, *self.parties.get(right.pk, [])):
            if row.load_status != LoadStatus.LOADED:
                self._mark(row, status, message)

    def _step(self) -> None:
        self.done += 1
        if self.done % 50 == 0:
            self.progress.set(self.done)

    def _apply(
        self, rows: list[StagedRow], item: RegistrationItem, right_rows: list[StagedRow] | None = None
    ) -> bool:
        """One `record` and the checkpoint of its rows, committed together."""
        try:
            with transaction.atomic():
                result = record(item=item, by=self.by)
                right_id = result.rights_created[0].pk if result.rights_created else None
                for row in rows:
                    self._mark(
                        row, LoadStatus.LOADED, right_id=right_id if row in (right_rows or []) else None
                    )
        except DomainError as exc:
            for row in rows:
                self._mark(row, LoadStatus.FAILED, exc.message)
            return False
        return True

    def _number(self, row: StagedRow, prefix: str) -> str:
        return (row.business_no or f"CL{self.batch.pk}-{prefix}{row.pk}")[:50]

    # -- 1. units ----------------------------------------------------------------------------
    def units(self) -> None:
        parcels: dict[str, StagedRow] = {}
        for row in self.rows.values():
            if row.table_code == PARCEL_TABLE and row.unit_code:
                first = parcels.setdefault(row.unit_code[:19], row)
                if first is not row and row.load_status != LoadStatus.LOADED:
                    self._mark(row, LoadStatus.SKIPPED, "同一宗地的重复行，按首次出现的一行入库")
        houses: dict[str, dict[str, StagedRow]] = defaultdict(dict)
        for row in self.rows.values():
            if row.table_code == HOUSE_TABLE and row.unit_code:
                if row.unit_code in houses[row.unit_code[:19]]:
                    self._mark(row, LoadStatus.SKIPPED, "重复的单元，按首次出现的一行入库")
                else:
                    houses[row.unit_code[:19]][row.unit_code] = row
        for parcel_code in sorted(set(parcels) | set(houses)):
            self._parcel(parcel_code, parcels.get(parcel_code), houses.get(parcel_code, {}))

    def _parcel(self, code: str, parcel: StagedRow | None, houses: dict[str, StagedRow]) -> None:
        pending = [
            r for r in [parcel, *houses.values()] if r is not None and r.load_status != LoadStatus.LOADED
        ]
        if not pending:
            return
        blocked = [r for r in pending if r.pk in self.gating]
        for row in blocked:
            self._mark(row, LoadStatus.BLOCKED, "存在登簿时也会阻断的质检问题，修正后重新入库")
        pending = [r for r in pending if r.pk not in self.gating]
        parcel_specs: tuple[ParcelSpec, ...] = ()
        land_units: tuple[UnitSpec, ...] = ()
        if not Parcel.objects.filter(code=code).exists():
            if parcel is None or parcel.pk in self.gating:
                for row in pending:
                    self._mark(
                        row, LoadStatus.FAILED, f"宗地 {code} 不在登记簿中，暂存数据也没有可入库的宗地信息"
                    )
                return
            data = parcel.data
            area = _decimal(data.get("ZDMJ"))  # 宗地面积
            parcel_specs = (
                ParcelSpec(
                    code=code,
                    location=data.get("ZL", ""),
                    area=area or Decimal(0),
                    area_unit=data.get("MJDW") or "1",
                    land_use=data.get("YT", ""),
                    right_nature=data.get("QLXZ", ""),
                ),
            )
            land_units = (UnitSpec(code=code + LAND_UNIT_SUFFIX, location=data.get("ZL", "")),)
        existing = set(
            Unit.objects.filter(code__in=[r.unit_code for r in pending]).values_list("code", flat=True)
        )
        new_houses = [r for r in pending if r.table_code == HOUSE_TABLE and r.unit_code not in existing]
        building_codes = sorted({r.unit_code[:24] for r in new_houses})
        known_buildings = set(Building.objects.filter(code__in=building_codes).values_list("code", flat=True))
        buildings = tuple(
            BuildingSpec(
                code=b, location=next(r.data.get("ZL", "") for r in new_houses if r.unit_code[:24] == b)
            )
            for b in building_codes
            if b not in known_buildings
        )
        units = land_units + tuple(
            UnitSpec(
                code=r.unit_code,
                location=r.data.get("ZL", ""),
                room_label=r.data.get("SHBW", ""),
                planned_use=r.data.get("FWYT1", ""),
                house_type=r.data.get("FWLX", ""),
                house_nature=r.data.get("FWXZ", ""),
                built_area=_decimal(r.data.get("SCJZMJ")),
                exclusive_area=_decimal(r.data.get("SCTNJZMJ")),
                shared_area=_decimal(r.data.get("SCFTJZMJ")),
            )
            for r in new_houses
        )
        if not (parcel_specs or buildings or units):
            for row in pending:
                self._mark(row, LoadStatus.LOADED)
            return
        item = RegistrationItem(
            region_code=self.batch.region_code,
            business_number=f"CL{self.batch.pk}-U{code}"[:50],
            operation=Operation.ADD_UNITS,
            reason="存量数据单元入库",
            parcels=parcel_specs,
            buildings=buildings,
            units=units,
        )
        self._apply(pending, item)
        self._step()

    # -- 2. title chains ---------------------------------------------------------------------
    def _holders(self, right: StagedRow, role: str) -> tuple[tuple[PartySpec, ...], str]:
        specs = []
        for party in self.parties.get(right.pk, []):
            clear = decrypt_personal(party.pii_enc, party.data)
            share = _decimal(party.data.get("QLBL"))
            specs.append(
                PartySpec(
                    role=role,
                    name=clear.get("QLRMC", ""),
                    party_type=party.data.get("QLRLX") or "1",
                    id_type=party.data.get("ZJZL", ""),
                    id_number=clear.get("ZJH", ""),
                    share=share,
                    phone=clear.get("DH", ""),
                )
            )
        co = next((p.data.get("GYFS", "") for p in self.parties.get(right.pk, []) if p.data.get("GYFS")), "")
        if not co and len(specs) > 1:
            co = "2" if all(s.share is not None for s in specs) else "1"
        return tuple(specs), co

    def _unit_code(self, right: StagedRow) -> str:
        unit = self.rows.get(right.unit_row_id) if right.unit_row_id else None
        return unit.unit_code if unit is not None else right.unit_code

    def _title_item(self, right: StagedRow, predecessor_id: int | None) -> RegistrationItem:
        data = right.data
        if right.table_code == HOUSE_RIGHT_TABLE:
            kind, detail = (
                RightKind.HOUSE_OWNERSHIP,
                _detail("HouseOwnershipDetail", data, HouseOwnershipSpec),
            )
        else:
            kind = RightKind.HOMESTEAD_USE if data.get("QLLX") == "5" else RightKind.CONSTRUCTION_LAND_USE
            detail = _detail("LandUseDetail", data, LandUseSpec)
        parties, co = self._holders(right, PartyRole.HOLDER)
        first = predecessor_id is None
        registration_type = data.get("DJLX", "") if data.get("DJLX") in FIRST_TYPES else "100"
        return RegistrationItem(
            region_code=self.batch.region_code,
            business_number=self._number(right, "R"),
            operation=Operation.CREATE if first else Operation.TRANSFER,
            registration_type=registration_type if first else "200",
            reason=data.get("DJYY") or ("存量首次登记" if first else "存量转移登记"),
            unit_codes=(self._unit_code(right),),
            target_right_ids=tuple(i for i in (predecessor_id,) if i is not None),
            certificate_number=right.certificate,
            registered_at=_moment(right),
            right=RightSpec(
                kind=kind,
                right_type=data.get("QLLX", ""),
                co_ownership=co,
                parties=parties,
                detail=detail,
                remarks=data.get("FJ", ""),
            ),
        )

    def chains(self) -> None:
        titles = [r for r in self.rows.values() if r.table_code in TITLE_TABLES]
        successor = {r.predecessor_id: r for r in titles if r.predecessor_id}
        seen: set[tuple[str, str]] = set()
        for root in sorted(
            (r for r in titles if not r.predecessor_id), key=lambda r: (r.data.get(REGISTERED, ""), r.pk)
        ):
            chain = [root]
            while chain[-1].pk in successor:
                chain.append(successor[chain[-1].pk])
            self._chain(chain, seen)

    def _chain(self, chain: list[StagedRow], seen: set[tuple[str, str]]) -> None:
        reason = ""
        if not chain[0].unit_row_id and chain[0].link_method != "register":
            reason = "没有关联到不动产单元，不能入库"
        elif chain[0].certificate and (chain[0].table_code, chain[0].certificate) in seen:
            reason = "证号重复，按首次出现的一行入库"
        elif chain[-1].data.get(STATUS) != CURRENT:
            reason = "权利链的最后一手不是现势权利，需人工核实后入库"
        seen.update((r.table_code, r.certificate) for r in chain if r.certificate)
        if reason:
            for row in chain:
                self._mark_right(row, LoadStatus.SKIPPED, reason)
            return
        previous: int | None = None
        for right in chain:
            if right.load_status == LoadStatus.LOADED:
                previous = right.register_right_id
                continue
            if right.pk in self.gating or any(p.pk in self.gating for p in self.parties.get(right.pk, [])):
                self._mark_right(right, LoadStatus.BLOCKED, "存在登簿时也会阻断的质检问题，修正后重新入库")
                return
            unit = self.rows.get(right.unit_row_id) if right.unit_row_id else None
            if unit is not None and unit.load_status != LoadStatus.LOADED:
                self._mark_right(
                    right,
                    LoadStatus.BLOCKED,
                    f"所在单元 {unit.unit_code} 尚未入库（{unit.get_load_status_display()}）",
                )
                return
            if not self._apply(
                [right, *self.parties.get(right.pk, [])], self._title_item(right, previous), [right]
            ):
                return
            previous = StagedRow.objects.values_list("register_right_id", flat=True).get(pk=right.pk)
            self._step()

    # -- 3. mortgages and the rest -------------------------------------------------------------
    def mortgages(self) -> None:
        for row in self.rows.values():
            if (
                row.table_code in {PARTY_TABLE, PARCEL_TABLE, HOUSE_TABLE} | TITLE_TABLES
                or row.load_status == LoadStatus.LOADED
            ):
                continue
            if row.table_code != MORTGAGE_TABLE:
                self._mark_right(row, LoadStatus.SKIPPED, "该类权利暂不支持入库，保留在暂存区")
            elif row.data.get(STATUS) != CURRENT:
                self._mark_right(row, LoadStatus.SKIPPED, "已注销的抵押权不入库，保留在暂存区")
            elif not row.unit_row_id:
                self._mark_right(row, LoadStatus.SKIPPED, "没有关联到不动产单元，不能入库")
            elif row.pk in self.gating:
                self._mark_right(row, LoadStatus.BLOCKED, "存在登簿时也会阻断的质检问题，修正后重新入库")
            else:
                self._mortgage(row)

    def _mortgage(self, row: StagedRow) -> None:
        data = row.data
        parties, _co = self._holders(row, PartyRole.MORTGAGEE)
        detail = _mortgage_spec_safe(data)
        if detail is None:
            self._mark(row, LoadStatus.FAILED, "抵押权缺少债务履行期限，不能入库")
            return
        item = RegistrationItem(
            region_code=self.batch.region_code,
            business_number=self._number(row, "M"),
            operation=Operation.CREATE,
            registration_type="100",
            reason=data.get("DJYY") or "存量抵押登记",
            unit_codes=(self._unit_code(row),),
            certificate_number=row.certificate,
            registered_at=_moment(row),
            right=RightSpec(kind=RightKind.MORTGAGE, right_type="37", parties=parties, detail=detail),
        )
        self._apply([row, *self.parties.get(row.pk, [])], item, [row])
        self._step()


def _mortgage_spec_safe(data: dict[str, str]) -> MortgageSpec | None:
    try:
        return _detail("MortgageDetail", data, MortgageSpec)
    except TypeError:  # a required field (method, debt dates) is missing
        return None


def stock_load(
    *,
    batch: StockBatch,
    by: User,
    on_progress: Callable[[StockBatch], None] | None = None,
    force: bool = False,
) -> dict[str, int]:
    """Load the batch into the register as `by` (a registrar of its district); returns counts per
    load status of the rows handled in this run. Re-running skips rows already loaded."""
    require_tenant(user=by, region_code=batch.region_code)
    batch = job_start(batch=batch, job=Job.LOAD, total=batch.rows_staged, force=force)
    try:
        loader = _Loader(batch, by, Progress(batch, on_progress))
        loader.units()
        loader.chains()
        loader.mortgages()
    except BaseException as exc:
        job_finish(batch=batch, error=f"入库中断：{type(exc).__name__}")
        raise
    counts = dict(loader.counts)
    job_finish(batch=batch, stamp="loaded_at", load=counts)
    return counts
