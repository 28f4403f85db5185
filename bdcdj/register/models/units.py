"""客体: parcels (宗地/宗海), buildings (自然幢, 逻辑幢, 层) and the 不动产单元 itself.

Rows here are written only by `register.services.record`. Codes never change once written;
a re-coded unit is a new unit and the old one becomes invalid.
"""

from django.db import models

from bdcdj.core.models import RegionScoped
from bdcdj.register.models.choices import ParcelKind, UnitKind, UnitStatus
from bdcdj.register.models.fields import area_field, code_field


class Parcel(RegionScoped):
    """宗地 or 宗海 (standard tables KTT_ZDJBXX / KTT_ZHJBXX)."""

    code = models.CharField("宗地/宗海代码", max_length=19, unique=True)
    kind = models.CharField("类别", max_length=8, choices=ParcelKind.choices)
    location = models.CharField("坐落", max_length=200)
    area = area_field("面积", null=False, blank=False)
    area_unit = code_field("面积单位", max_length=2, default="1")  # MJDW: 1 m², 2 亩, 3 公顷
    land_use = code_field("土地用途")
    right_nature = code_field("权利性质")
    ownership_letter = models.CharField("所有权特征码", max_length=1)
    parcel_type_letter = models.CharField("宗地类型特征码", max_length=1)
    status = models.CharField("状态", max_length=1, choices=UnitStatus.choices, default=UnitStatus.VALID)
    created_at = models.DateTimeField("入库时间", auto_now_add=True)
    # 宗地/宗海图形 (权籍调查成果): WKT in a projected CGCS2000 CRS, with its bounding box cached
    # for window queries. Written only by `cadastre.services.parcel_geometry_set`, never by `record`.
    geometry_wkt = models.TextField("图形（WKT）", blank=True, default="")
    geometry_epsg = models.PositiveIntegerField("图形坐标系（EPSG）", null=True, blank=True)
    geometry_area = models.FloatField("图形面积（平方米）", null=True, blank=True)
    bbox_minx = models.FloatField("外接矩形最小X", null=True, blank=True)
    bbox_miny = models.FloatField("外接矩形最小Y", null=True, blank=True)
    bbox_maxx = models.FloatField("外接矩形最大X", null=True, blank=True)
    bbox_maxy = models.FloatField("外接矩形最大Y", null=True, blank=True)
    geometry_updated_at = models.DateTimeField("图形更新时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "宗地/宗海"
        ordering = ["code"]
        indexes = [
            models.Index(fields=["region_code", "bbox_minx", "bbox_miny"], name="parcel_bbox"),
        ]

    def __str__(self) -> str:
        return self.code


class Building(RegionScoped):
    """自然幢 (KTT_FW_ZRZ); its 24-character code is the parcel code + F + 4-digit number."""

    parcel = models.ForeignKey(
        Parcel, verbose_name="宗地", related_name="buildings", on_delete=models.PROTECT
    )
    number = models.CharField("幢号", max_length=4)
    code = models.CharField("自然幢号", max_length=24, unique=True)
    name = models.CharField("建筑物名称", max_length=100, blank=True)
    project_name = models.CharField("项目名称", max_length=100, blank=True)
    location = models.CharField("坐落", max_length=200)
    floors_above = models.PositiveSmallIntegerField("地上层数", default=0)
    floors_below = models.PositiveSmallIntegerField("地下层数", default=0)
    total_households = models.PositiveIntegerField("总套数", null=True, blank=True)
    structure = code_field("房屋结构", max_length=2)
    planned_use = code_field("规划用途")
    built_area = area_field("建筑面积")
    completed_on = models.DateField("竣工日期", null=True, blank=True)
    status = models.CharField("状态", max_length=1, choices=UnitStatus.choices, default=UnitStatus.VALID)
    created_at = models.DateTimeField("入库时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "自然幢"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["parcel", "number"], name="uniq_building_number")]

    def __str__(self) -> str:
        return self.code


class LogicalBuilding(RegionScoped):
    """逻辑幢 (KTT_FW_LJZ): a part of a 自然幢 with its own door number, use or structure."""

    building = models.ForeignKey(
        Building, verbose_name="自然幢", related_name="logical_buildings", on_delete=models.PROTECT
    )
    number = models.CharField("逻辑幢号", max_length=20)
    door_number = models.CharField("门牌号", max_length=50, blank=True)
    floors_total = models.PositiveSmallIntegerField("总层数", null=True, blank=True)
    planned_use = code_field("房屋用途")
    structure = code_field("房屋结构", max_length=2)
    built_area = area_field("建筑面积")

    class Meta:
        verbose_name = verbose_name_plural = "逻辑幢"
        ordering = ["building_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="uniq_logical_building_number")
        ]

    def __str__(self) -> str:
        return f"{self.building.code}-{self.number}"


class Floor(RegionScoped):
    """层 (KTT_FW_C): the actual floor number (negative below ground) and its nominal label."""

    logical_building = models.ForeignKey(
        LogicalBuilding, verbose_name="逻辑幢", related_name="floors", on_delete=models.PROTECT
    )
    number = models.SmallIntegerField("实际层")
    nominal_label = models.CharField("名义层", max_length=50, blank=True)
    built_area = area_field("层建筑面积")

    class Meta:
        verbose_name = verbose_name_plural = "层"
        ordering = ["logical_building_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["logical_building", "number"], name="uniq_floor_number")
        ]

    def __str__(self) -> str:
        return self.nominal_label or str(self.number)


class Unit(RegionScoped):
    """不动产单元: the object every right points at, identified by its 28-character code.

    `version` is bumped by every registration that touches the unit; on SQLite it is the
    optimistic lock (conditional UPDATE), on PostgreSQL it accompanies SELECT … FOR UPDATE.
    """

    code = models.CharField("不动产单元号", max_length=28, unique=True)
    kind = models.CharField("单元类别", max_length=12, choices=UnitKind.choices)
    parcel = models.ForeignKey(
        Parcel, verbose_name="宗地/宗海", related_name="units", on_delete=models.PROTECT
    )
    building = models.ForeignKey(
        Building, verbose_name="自然幢", related_name="units", null=True, blank=True, on_delete=models.PROTECT
    )
    floor = models.ForeignKey(
        Floor, verbose_name="层", related_name="units", null=True, blank=True, on_delete=models.PROTECT
    )
    household_no = models.CharField("户号", max_length=4, blank=True)
    room_label = models.CharField("房号", max_length=20, blank=True)
    location = models.CharField("坐落", max_length=200)
    planned_use = code_field("房屋用途")
    house_type = code_field("房屋类型", max_length=2)
    house_nature = code_field("房屋性质", max_length=2)
    structure = code_field("房屋结构", max_length=2)
    built_area = area_field("建筑面积")
    exclusive_area = area_field("套内建筑面积")
    shared_area = area_field("分摊建筑面积")
    status = models.CharField("状态", max_length=1, choices=UnitStatus.choices, default=UnitStatus.VALID)
    is_temporary = models.BooleanField("临时单元号", default=False)
    version = models.PositiveIntegerField("版本", default=0)
    created_by_event = models.ForeignKey(
        "register.RegisterEvent",
        verbose_name="入库事件",
        related_name="units_created",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField("入库时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "不动产单元"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
