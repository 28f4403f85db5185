"""The demo county: a fictional 长丰县 (340121) built through the real services.

Everything goes through the same write paths as production (user provisioning, the unit-code
allocators, `register.services.record`, certificate-number allocation), so the demo is also a
realistic, deterministic test dataset. `size="small"` builds a reduced copy for fast tests.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from bdcdj.accounts.models import Organisation, User
from bdcdj.accounts.services import organisation_create, tenant_ensure, user_create
from bdcdj.demo.people import fake_credit_code, fake_id_number, fake_name
from bdcdj.register.models import RegisterEvent
from bdcdj.register.services import (
    BuildingSpec,
    HouseOwnershipSpec,
    LandUseSpec,
    MortgageSpec,
    ObjectionSpec,
    Operation,
    ParcelSpec,
    PartyRole,
    PartySpec,
    RegistrationItem,
    RightKind,
    RightSpec,
    SeizureSpec,
    UnitSpec,
    record,
)
from bdcdj.standards.services import (
    certificate_number_allocate,
    unit_code_allocate_building,
    unit_code_allocate_parcel,
)

REGION = "340121"
OTHER_REGION = "340122"
PASSWORD = "Bdcdj#Demo2026"
SHANGHAI = ZoneInfo("Asia/Shanghai")

DEMO_USERS = (
    # username, display name, roles, region codes, superuser
    ("admin", "演示管理员", ["admin"], [REGION, OTHER_REGION], True),
    ("clerk", "演示受理员", ["clerk"], [REGION], False),
    ("reviewer", "演示审核员", ["reviewer"], [REGION], False),
    ("registrar", "演示登簿员", ["registrar"], [REGION], False),
    ("auditor", "演示审计员", ["auditor"], [REGION], False),
    ("inquirer", "演示查询员", ["inquirer"], [REGION], False),
    ("leader", "演示领导", ["leader"], [REGION], False),
    ("inspector", "演示纪检监督员", ["supervisor"], [REGION], False),
    ("other", "肥西县查询员", ["inquirer"], [OTHER_REGION], False),
)

BANKS = ("示例银行股份有限公司长丰支行", "示范农村商业银行股份有限公司", "样例建设银行长丰县支行")
DEVELOPERS = ("长丰示例置业有限公司", "双凤示范房地产开发有限公司")


@dataclass(frozen=True)
class Project:
    name: str
    road: str
    subzone: str
    buildings: int
    floors: int
    per_floor: int


FULL_PROJECTS = (
    Project("双凤苑", "双凤大道88号", "001", buildings=3, floors=11, per_floor=4),
    Project("水湖花园", "水湖路16号", "002", buildings=2, floors=18, per_floor=4),
    Project("岗集家园", "岗集路9号", "003", buildings=1, floors=6, per_floor=2),
)
SMALL_PROJECTS = (Project("双凤苑", "双凤大道88号", "001", buildings=1, floors=3, per_floor=2),)
# The residential land is granted for 70 years; every title on it, first or transferred, says so.
LAND_USE_START, LAND_USE_END = dt.date(2016, 6, 1), dt.date(2086, 5, 31)
STREETS = ("双凤大道", "水湖路", "岗集路", "蒙城北路", "阜阳北路", "淮南北路", "北城大道")


@dataclass
class DemoReport:
    users: int = 0
    parcels: int = 0
    households: int = 0
    rights: int = 0
    mortgages: int = 0
    events: int = 0
    notes: list[str] = field(default_factory=list)


class _Builder:
    def __init__(self, *, size: str, registrar: User) -> None:
        self.rng = random.Random(int(REGION))
        self.size = size
        self.registrar = registrar
        self.report = DemoReport()
        self.sequence = 0
        self.clock = dt.datetime(2019, 3, 4, 9, 30, tzinfo=SHANGHAI)

    # -- helpers -----------------------------------------------------------------------------
    def _business_number(self) -> str:
        self.sequence += 1
        return f"{REGION}-{self.clock.year}-D{self.sequence:05d}"

    def _tick(self, days: int) -> dt.datetime:
        self.clock += dt.timedelta(days=days, minutes=self.rng.randrange(0, 400))
        now = dt.datetime.now(tz=SHANGHAI) - dt.timedelta(days=1)
        self.clock = min(self.clock, now)
        return self.clock

    def _certificate(self, kind: str) -> str:
        return certificate_number_allocate(region_code=REGION, kind=kind, year=self.clock.year).number

    def _person(self, role: str, *, share: Decimal | None = None) -> PartySpec:
        return PartySpec(
            role=role,
            name=fake_name(self.rng),
            id_type="1",
            id_number=fake_id_number(self.rng, region_code=REGION),
            share=share,
            phone=f"139{self.rng.randrange(0, 10**8):08d}",
        )

    def _company(self, role: str, name: str, serial: int, *, party_type: str = "2") -> PartySpec:
        return PartySpec(
            role=role,
            name=name,
            party_type=party_type,
            id_type="8",
            id_number=fake_credit_code(serial, region_code=REGION),
        )

    def _item(self, **fields: object) -> RegistrationItem:
        """A registration item of the demo county with the next demo business number."""
        return RegistrationItem(region_code=REGION, business_number=self._business_number(), **fields)  # type: ignore[arg-type]

    def _record(self, item: RegistrationItem) -> object:
        result = record(item=item, by=self.registrar)
        self.report.events += 1
        return result

    # -- land-only parcels: state-owned construction land use rights -------------------------
    def land_parcels(self, count: int) -> None:
        for n in range(count):
            code = unit_code_allocate_parcel(
                region_code=REGION, zone="001", subzone="005", ownership_letter="G", parcel_type_letter="B"
            )
            commercial = n % 3 == 0
            holder = (
                self._company(
                    PartyRole.HOLDER, f"长丰示例{('商贸', '制造', '物流')[n % 3]}有限公司{n + 1}", 100 + n
                )
                if n % 2 == 0
                else self._person(PartyRole.HOLDER)
            )
            registered = self._tick(9)
            self._record(
                RegistrationItem(
                    region_code=REGION,
                    business_number=self._business_number(),
                    operation=Operation.CREATE,
                    registration_type="100",
                    reason="国有建设用地使用权首次登记",
                    certificate_number=self._certificate("certificate"),
                    registered_at=registered,
                    parcels=(
                        ParcelSpec(
                            code=code[:19],
                            location=f"长丰县{self.rng.choice(STREETS)}{200 + n}号",
                            area=Decimal(self.rng.randrange(800, 30000)) + Decimal("0.50"),
                            land_use="05" if commercial else "06",
                            right_nature="102",
                        ),
                    ),
                    units=(UnitSpec(code=code, location=f"长丰县{STREETS[n % len(STREETS)]}{200 + n}号"),),
                    right=RightSpec(
                        kind=RightKind.CONSTRUCTION_LAND_USE,
                        right_type="3",
                        parties=(holder,),
                        detail=LandUseSpec(
                            start=dt.date(2005 + n % 10, 1, 1),
                            end=dt.date(2045 + n % 10, 12, 31)
                            if commercial
                            else dt.date(2055 + n % 10, 12, 31),
                            price=Decimal(self.rng.randrange(200, 5000)),
                        ),
                    ),
                )
            )
            self.report.parcels += 1
            self.report.rights += 1

    # -- residential projects: developer's 首次登记, then sales and mortgages ---------------
    def project(self, project: Project, developer_serial: int) -> list[tuple[str, object]]:
        parcel = unit_code_allocate_parcel(
            region_code=REGION,
            zone="001",
            subzone=project.subzone,
            ownership_letter="G",
            parcel_type_letter="B",
            fixture_letter="F",
        )
        developer = self._company(PartyRole.HOLDER, DEVELOPERS[developer_serial % 2], developer_serial)
        buildings: list[BuildingSpec] = []
        units: list[UnitSpec] = []
        for b in range(project.buildings):
            building = unit_code_allocate_building(parcel_code=parcel)
            buildings.append(
                BuildingSpec(
                    code=building,
                    location=f"长丰县{project.road}{project.name}{b + 1}幢",
                    name=f"{project.name}{b + 1}幢",
                    project_name=project.name,
                    floors_above=project.floors,
                    floors_below=1,
                    total_households=project.floors * project.per_floor,
                    structure="3",
                    planned_use="11",
                    completed_on=dt.date(2018 + b % 2, 10, 1),
                )
            )
            household = 0
            for floor in range(1, project.floors + 1):
                for door in range(1, project.per_floor + 1):
                    household += 1
                    area = (
                        Decimal(self.rng.choice((89, 96, 108, 118, 126, 143)))
                        + Decimal(self.rng.randrange(0, 100)) / 100
                    )
                    units.append(
                        UnitSpec(
                            code=f"{building}{household:04d}",
                            location=f"长丰县{project.road}{project.name}{b + 1}幢{floor}{door:02d}室",
                            room_label=f"{floor}{door:02d}",
                            floor=floor,
                            planned_use="11",
                            house_type="1",
                            house_nature="0",
                            structure="3",
                            built_area=area,
                            exclusive_area=(area * Decimal("0.82")).quantize(Decimal("0.01")),
                            shared_area=(area * Decimal("0.18")).quantize(Decimal("0.01")),
                        )
                    )
        result = self._record(
            self._item(
                operation=Operation.CREATE,
                registration_type="100",
                reason="房屋所有权首次登记",
                certificate_number=self._certificate("certificate"),
                registered_at=self._tick(20),
                parcels=(
                    ParcelSpec(
                        code=parcel,
                        location=f"长丰县{project.road}",
                        area=Decimal(self.rng.randrange(15000, 60000)),
                        land_use="07",
                        right_nature="102",
                    ),
                ),
                buildings=tuple(buildings),
                units=tuple(units),
                right=RightSpec(
                    kind=RightKind.HOUSE_OWNERSHIP,
                    right_type="4",
                    parties=(developer,),
                    detail=HouseOwnershipSpec(land_use_start=LAND_USE_START, land_use_end=LAND_USE_END),
                ),
            )
        )
        self.report.parcels += 1
        self.report.households += len(units)
        self.report.rights += len(units)
        rights = result.rights_created  # type: ignore[attr-defined]
        return [(right.unit.code, right) for right in rights]

    def sell(
        self, titles: list[tuple[str, object]], developer: PartySpec
    ) -> list[tuple[str, tuple[PartySpec, ...]]]:
        owners: list[tuple[str, tuple[PartySpec, ...]]] = []
        for code, title in titles:
            if self.rng.random() > 0.85:
                continue  # unsold
            couple = self.rng.random() < 0.45
            buyers: tuple[PartySpec, ...]
            if couple:
                buyers = (self._person(PartyRole.HOLDER), self._person(PartyRole.HOLDER))
                co_ownership = "1"  # 共同共有
            else:
                buyers = (self._person(PartyRole.HOLDER),)
                co_ownership = "0"
            seller = PartySpec(
                role=PartyRole.OBLIGOR,
                name=developer.name,
                party_type="2",
                id_type="8",
                id_number=developer.id_number,
            )
            self._record(
                RegistrationItem(
                    region_code=REGION,
                    business_number=self._business_number(),
                    operation=Operation.TRANSFER,
                    registration_type="200",
                    reason="买卖",
                    unit_codes=(code,),
                    target_right_ids=(title.pk,),  # type: ignore[attr-defined]
                    certificate_number=self._certificate("certificate"),
                    registered_at=self._tick(self.rng.randrange(1, 6)),
                    right=RightSpec(
                        kind=RightKind.HOUSE_OWNERSHIP,
                        right_type="4",
                        co_ownership=co_ownership,
                        parties=(*buyers, seller),
                        detail=HouseOwnershipSpec(
                            price=Decimal(self.rng.randrange(80, 260)),
                            land_use_start=LAND_USE_START,
                            land_use_end=LAND_USE_END,
                        ),
                    ),
                )
            )
            self.report.rights += 1
            owners.append((code, buyers))
        return owners

    def mortgage(self, code: str, owners: tuple[PartySpec, ...], *, maximum: bool = False) -> object:
        bank_no = self.rng.randrange(len(BANKS))
        bank = self._company(PartyRole.MORTGAGEE, BANKS[bank_no], 900 + bank_no, party_type="2")
        mortgagors = tuple(
            PartySpec(role=PartyRole.MORTGAGOR, name=o.name, id_type=o.id_type, id_number=o.id_number)
            for o in owners
        )
        start = self.clock.date()
        amount = Decimal(self.rng.randrange(30, 150))
        result = self._record(
            self._item(
                operation=Operation.CREATE,
                registration_type="100",
                reason="抵押借款",
                unit_codes=(code,),
                certificate_number=self._certificate("proof"),
                registered_at=self._tick(1),
                right=RightSpec(
                    kind=RightKind.MORTGAGE,
                    right_type="37",
                    parties=(bank, *mortgagors),
                    detail=MortgageSpec(
                        method="2" if maximum else "1",
                        secured_amount=None if maximum else amount,
                        maximum_amount=amount if maximum else None,
                        maximum_basis="最高额借款合同" if maximum else "",
                        debt_start=start,
                        debt_end=start.replace(year=start.year + (5 if maximum else 20)),
                        guarantee_scope="主债权及利息、违约金、损害赔偿金和实现债权的费用",
                        transfer_restricted=False,
                        property_type="2",
                    ),
                ),
            )
        )
        self.report.mortgages += 1
        self.report.rights += 1
        return result.rights_created[0]  # type: ignore[attr-defined]

    def release_mortgage(self, code: str, mortgage: object) -> None:
        self._record(
            self._item(
                operation=Operation.CANCEL,
                registration_type="400",
                reason="主债权消灭",
                unit_codes=(code,),
                target_right_ids=(mortgage.pk,),  # type: ignore[attr-defined]
                registered_at=self._tick(30),
            )
        )

    def seize(self, code: str, *, court: str, document: str) -> None:
        self._record(
            self._item(
                operation=Operation.SEIZE,
                registration_type="800",
                reason="人民法院查封",
                unit_codes=(code,),
                registered_at=self._tick(3),
                right=RightSpec(
                    kind=RightKind.SEIZURE,
                    right_type="98",
                    detail=SeizureSpec(
                        authority=court,
                        document_number=document,
                        start=self.clock.date(),
                        end=self.clock.date().replace(year=self.clock.year + 3),
                    ),
                ),
            )
        )
        self.report.rights += 1

    def objection(self, code: str) -> None:
        self._record(
            self._item(
                operation=Operation.CREATE,
                registration_type="600",
                reason="利害关系人申请异议登记",
                unit_codes=(code,),
                certificate_number=self._certificate("proof"),
                registered_at=self._tick(2),
                right=RightSpec(
                    kind=RightKind.OBJECTION,
                    right_type="97",
                    parties=(self._person(PartyRole.OBJECTION_APPLICANT),),
                    detail=ObjectionSpec(
                        matter="申请人认为该房屋系其出资购买，登记簿记载的权利人有误",
                        start=self.clock.date(),
                        end=self.clock.date() + dt.timedelta(days=15),
                    ),
                ),
            )
        )
        self.report.rights += 1


def _ensure_users() -> tuple[User, int]:
    tenant_ensure(region_code=REGION, name="长丰县", province_abbr="皖", parent_code="340100")
    tenant_ensure(region_code=OTHER_REGION, name="肥西县", province_abbr="皖", parent_code="340100")
    centres = {}
    for region, name in ((REGION, "长丰县不动产登记中心"), (OTHER_REGION, "肥西县不动产登记中心")):
        centres[region] = Organisation.objects.filter(code=f"{region}-BDCDJ").first() or organisation_create(
            code=f"{region}-BDCDJ", name=name, kind=Organisation.Kind.AUTHORITY, region_code=region
        )
    created = 0
    for username, display, roles, regions, superuser in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                password=PASSWORD,
                display_name=display,
                organisation=centres[regions[0]],
                roles=roles,
                region_codes=regions,
            )
            created += 1
        if superuser and not user.is_superuser:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
    return User.objects.get(username="registrar"), created


def _channel_demo() -> list[str]:
    """The bank and the developer of the institution channel, and automatic review of mortgages."""
    from bdcdj.channel.demo import channel_demo_load

    return channel_demo_load(
        region_code=REGION,
        admin=User.objects.get(username="admin"),
        bank=(BANKS[0], fake_credit_code(900, region_code=REGION)),
        developer=(DEVELOPERS[1], fake_credit_code(1, region_code=REGION)),
    )


def load_demo(*, size: str = "full") -> DemoReport:
    """Load the demo county once; a second call only makes sure the demo users exist."""
    if size not in {"full", "small"}:
        raise ValueError("size must be 'full' or 'small'")
    with transaction.atomic():
        registrar, created = _ensure_users()
        channel_notes = _channel_demo()
        if RegisterEvent.objects.filter(region_code=REGION).exists():
            report = DemoReport(users=created, notes=channel_notes)
            report.notes.append("登记簿已有长丰县数据，未重复加载")
            return report
        builder = _Builder(size=size, registrar=registrar)
        builder.report.users = created
        builder.report.notes += channel_notes
        _populate(builder)
        from bdcdj.cadastre.demo import demo_shapes_load

        demo_shapes_load(region_code=REGION, by=registrar)
        return builder.report


def _populate(b: _Builder) -> None:
    small = b.size == "small"
    b.land_parcels(3 if small else 30)
    projects = SMALL_PROJECTS if small else FULL_PROJECTS
    owned: list[tuple[str, tuple[PartySpec, ...]]] = []
    for serial, project in enumerate(projects, start=1):
        titles = b.project(project, serial)
        developer = b._company(PartyRole.HOLDER, DEVELOPERS[serial % 2], serial)
        owned.extend(b.sell(titles, developer))
    mortgages: list[tuple[str, object]] = []
    for n, (code, owners) in enumerate(owned):
        if b.rng.random() < 0.35:
            mortgages.append((code, b.mortgage(code, owners, maximum=n % 7 == 0)))
    for code, right in mortgages[: max(1, len(mortgages) // 8)]:
        b.release_mortgage(code, right)  # repaid loans leave history behind
    seized = owned[len(owned) // 2][0]
    b.seize(
        seized, court="长丰县人民法院", document=f"（{b.clock.year}）皖0121执{b.rng.randrange(100, 999)}号"
    )
    b.seize(
        seized, court="合肥市中级人民法院", document=f"（{b.clock.year}）皖01执{b.rng.randrange(100, 999)}号"
    )
    b.objection(owned[len(owned) // 3][0])
