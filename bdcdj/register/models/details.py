"""Typed details of each right kind, one-to-one with `Right` (the kind-specific columns of the
standard's right tables; see `standard_fields` for the field codes).

Amounts are in 万元, areas in m² unless a field says 亩 or 公顷.
"""

from collections.abc import Iterable
from typing import Any

from django.db import models

from bdcdj.register.models.choices import RightKind
from bdcdj.register.models.fields import amount_field, area_field, code_field
from bdcdj.register.models.rights import Right


class RightDetail(models.Model):
    """Base of the per-kind detail tables; the primary key is the right's."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


def _right(related_name: str) -> models.OneToOneField:
    return models.OneToOneField(
        Right, verbose_name="权利", primary_key=True, related_name=related_name, on_delete=models.PROTECT
    )


class HouseOwnershipDetail(RightDetail):
    """房地产权（独幢、层、套、间房屋） — QLT_FW_FDCQ_YZ."""

    right = _right("house_detail")
    price = amount_field("房地产交易价格（万元）")
    land_use_start = models.DateField("土地使用起始时间", null=True, blank=True)
    land_use_end = models.DateField("土地使用结束时间", null=True, blank=True)
    built_area = area_field("建筑面积")
    exclusive_area = area_field("专有建筑面积")
    shared_area = area_field("分摊建筑面积")
    exclusive_land_area = area_field("独用土地面积")
    shared_land_area = area_field("分摊土地面积")
    planned_use = code_field("规划用途")
    house_nature = code_field("房屋性质", max_length=2)
    structure = code_field("房屋结构", max_length=2)
    floor_no = models.SmallIntegerField("所在层", null=True, blank=True)
    total_floors = models.PositiveSmallIntegerField("总层数", null=True, blank=True)
    completed_on = models.DateField("竣工时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "房地产权（独幢、层、套、间）"


class HouseProjectDetail(RightDetail):
    """房地产权（项目内多幢房屋） — QLT_FW_FDCQ_DZ with its project rows."""

    right = _right("house_project_detail")
    project_name = models.CharField("项目名称", max_length=200)
    building_count = models.PositiveIntegerField("幢数", null=True, blank=True)
    built_area = area_field("建筑面积")
    price = amount_field("房地产交易价格（万元）")
    land_use_start = models.DateField("土地使用起始时间", null=True, blank=True)
    land_use_end = models.DateField("土地使用结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "房地产权（项目内多幢）"


class LandUseDetail(RightDetail):
    """建设用地使用权、宅基地使用权 — QLF_QL_JSYDSYQ."""

    right = _right("land_use_detail")
    start = models.DateField("使用权起始时间", null=True, blank=True)
    end = models.DateField("使用权结束时间", null=True, blank=True)
    price = amount_field("取得价格（万元）")
    area = area_field("使用权面积")
    land_use = code_field("土地用途")
    right_nature = code_field("权利性质")

    class Meta:
        verbose_name = verbose_name_plural = "建设用地/宅基地使用权"


class LandOwnershipDetail(RightDetail):
    """土地所有权 — QLF_QL_TDSYQ (areas per land class, in `area_unit`)."""

    right = _right("land_ownership_detail")
    area_unit = code_field("面积单位", max_length=2, default="1")
    agricultural_area = area_field("农用地面积")
    arable_area = area_field("耕地面积")
    forest_area = area_field("林地面积")
    grassland_area = area_field("草地面积")
    construction_area = area_field("建设用地面积")
    unused_area = area_field("未利用地面积")

    class Meta:
        verbose_name = verbose_name_plural = "土地所有权"


class AgriculturalDetail(RightDetail):
    """土地承包经营权、农用地的其他使用权 — QLF_QL_NYDSYQ (area in 亩)."""

    right = _right("agricultural_detail")
    contractor_code = models.CharField("发包方代码", max_length=100, blank=True)
    contractor_name = models.CharField("发包方名称", max_length=100, blank=True)
    area_mu = area_field("承包（使用权）面积（亩）")
    start = models.DateField("承包（使用）起始时间", null=True, blank=True)
    end = models.DateField("承包（使用）结束时间", null=True, blank=True)
    land_ownership_nature = code_field("土地所有权性质", max_length=2)
    contract_number = models.CharField("承包合同编码", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "土地承包经营权/农用地使用权"


class ForestDetail(RightDetail):
    """林权 — QLT_QL_LQ (area in 亩)."""

    right = _right("forest_detail")
    contractor_name = models.CharField("发包方", max_length=100, blank=True)
    area_mu = area_field("使用权（承包）面积（亩）")
    start = models.DateField("林地使用（承包）起始时间", null=True, blank=True)
    end = models.DateField("林地使用（承包）结束时间", null=True, blank=True)
    main_species = models.CharField("主要树种", max_length=200, blank=True)
    tree_count = models.PositiveIntegerField("株数", null=True, blank=True)
    forest_type = code_field("林种")
    origin = code_field("起源", max_length=2)
    planting_year = models.PositiveSmallIntegerField("造林年度", null=True, blank=True)
    forest_block = models.CharField("林班", max_length=50, blank=True)
    sub_block = models.CharField("小班", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "林权"


class SeaUseDetail(RightDetail):
    """海域（含无居民海岛）使用权 — QLF_QL_HYSYQ (area in 公顷)."""

    right = _right("sea_use_detail")
    area_ha = area_field("使用权面积（公顷）")
    start = models.DateField("使用权起始时间", null=True, blank=True)
    end = models.DateField("使用权结束时间", null=True, blank=True)
    fee_total = amount_field("使用金总额（万元）")

    class Meta:
        verbose_name = verbose_name_plural = "海域使用权"


class StructureDetail(RightDetail):
    """构（建）筑物所有权 — QLT_QL_GJZWSYQ."""

    right = _right("structure_detail")
    structure_type = code_field("构（建）筑物类型")
    planned_use = models.CharField("构（建）筑物规划用途", max_length=200, blank=True)
    area = area_field("构（建）筑物面积")
    land_area = area_field("土地/海域使用面积")
    land_use_start = models.DateField("土地/海域使用起始时间", null=True, blank=True)
    land_use_end = models.DateField("土地/海域使用结束时间", null=True, blank=True)
    completed_on = models.DateField("竣工时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "构（建）筑物所有权"


class CommonPartsDetail(RightDetail):
    """建筑物区分所有权业主共有部分 — QLF_FW_FDCQ_QFSYQ."""

    right = _right("common_parts_detail")
    structure_number = models.CharField("建（构）筑物编号", max_length=10)
    structure_name = models.CharField("建（构）筑物名称", max_length=100, blank=True)
    quantity = models.PositiveIntegerField("建（构）筑物数量", default=1)
    area = area_field("建（构）筑物面积")
    shared_land_area = area_field("分摊土地面积")

    class Meta:
        verbose_name = verbose_name_plural = "业主共有部分"


class OtherRightDetail(RightDetail):
    """其他相关权利（取水、探矿、采矿…） — QLF_QL_QTXGQL."""

    right = _right("other_detail")
    start = models.DateField("权利起始时间", null=True, blank=True)
    end = models.DateField("权利结束时间", null=True, blank=True)
    content = models.TextField("权利内容", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "其他相关权利"


class EasementDetail(RightDetail):
    """地役权 — QLF_QL_DYIQ. The right's unit is the servient land (供役地)."""

    right = _right("easement_detail")
    dominant_unit_code = models.CharField("需役地不动产单元号", max_length=28)
    dominant_location = models.CharField("需役地坐落", max_length=200, blank=True)
    content = models.TextField("地役权内容")
    start = models.DateField("权利起始时间", null=True, blank=True)
    end = models.DateField("权利结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "地役权"


class ResidenceDetail(RightDetail):
    """居住权 (民法典 第366条起): no end date means for the resident's life."""

    right = _right("residence_detail")
    start = models.DateField("居住权起始时间", null=True, blank=True)
    end = models.DateField("居住权结束时间", null=True, blank=True)
    conditions = models.TextField("居住条件和要求", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "居住权"


class MortgageDetail(RightDetail):
    """抵押权 — QLF_QL_DYAQ. `rank` (顺位) is assigned by the register, not by the caller."""

    right = _right("mortgage_detail")
    method = code_field("抵押方式", max_length=2, blank=False)  # DYFS: 1 一般, 2 最高额
    secured_amount = amount_field("被担保主债权数额（万元）")
    maximum_amount = amount_field("最高债权额（万元）")
    maximum_basis = models.TextField("最高债权确定事实", blank=True)
    debt_start = models.DateField("债务履行起始时间")
    debt_end = models.DateField("债务履行结束时间")
    guarantee_scope = models.TextField("担保范围", blank=True)
    transfer_restricted = models.BooleanField("是否存在禁止或限制转让的约定", default=False)
    rank = models.PositiveSmallIntegerField("抵押顺位")
    property_type = code_field("抵押不动产类型", max_length=2)  # DYBDCLX
    amount_type = code_field("抵押金额类型", max_length=2)  # DYJELX: 0 单个单元, 1 整体
    area = area_field("抵押面积")
    construction_location = models.CharField("在建建筑物坐落", max_length=200, blank=True)
    construction_scope = models.TextField("在建建筑物抵押范围", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "抵押权"


class AdvanceNoticeDetail(RightDetail):
    """预告登记 — QLF_QL_YGDJ. `converted_to` is the right it became (预告转本登记)."""

    right = _right("advance_notice_detail")
    notice_kind = code_field("预告登记种类", max_length=2, blank=False)  # YGDJZL
    price = amount_field("取得价格/被担保主债权数额（万元）")
    location = models.CharField("不动产坐落", max_length=200, blank=True)
    planned_use = code_field("规划用途")
    house_nature = code_field("房屋性质", max_length=2)
    structure = code_field("房屋结构", max_length=2)
    floor_no = models.SmallIntegerField("所在层", null=True, blank=True)
    total_floors = models.PositiveSmallIntegerField("总层数", null=True, blank=True)
    built_area = area_field("建筑面积")
    guarantee_scope = models.TextField("担保范围", blank=True)
    transfer_restricted = models.BooleanField("是否存在禁止或限制转让的约定", default=False)
    converted_to = models.ForeignKey(
        Right,
        verbose_name="转为本登记",
        related_name="converted_notices",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = verbose_name_plural = "预告登记"


class ObjectionDetail(RightDetail):
    """异议登记 — QLF_QL_YYDJ."""

    right = _right("objection_detail")
    matter = models.TextField("异议事项")
    start = models.DateField("异议起始时间", null=True, blank=True)
    end = models.DateField("异议结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "异议登记"


class SeizureDetail(RightDetail):
    """查封登记 — QLF_QL_CFDJ. `queue_position` 0 is the effective seizure; 1, 2, … are the
    轮候 queue. `effective_at` is when it took effect (for a 轮候: the release of the one before)."""

    right = _right("seizure_detail")
    authority = models.CharField("查封机关", max_length=200)
    document_number = models.CharField("查封文号", max_length=100)
    seizure_kind = code_field("查封类型", max_length=2, blank=False)  # CFLX
    start = models.DateField("查封起始时间", null=True, blank=True)
    end = models.DateField("查封结束时间", null=True, blank=True)
    scope = models.TextField("查封范围", blank=True)
    queue_position = models.PositiveSmallIntegerField("轮候顺序", default=0)
    effective_at = models.DateTimeField("生效时间", null=True, blank=True)
    released_at = models.DateTimeField("解封时间", null=True, blank=True)
    release_authority = models.CharField("解封机关", max_length=200, blank=True)
    release_document = models.CharField("解封文号", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "查封登记"


# Right kind → (detail model, reverse accessor on Right).
DETAIL_MODELS: dict[str, type[models.Model]] = {
    RightKind.HOUSE_OWNERSHIP: HouseOwnershipDetail,
    RightKind.HOUSE_OWNERSHIP_PROJECT: HouseProjectDetail,
    RightKind.CONSTRUCTION_LAND_USE: LandUseDetail,
    RightKind.HOMESTEAD_USE: LandUseDetail,
    RightKind.LAND_OWNERSHIP: LandOwnershipDetail,
    RightKind.AGRICULTURAL_LAND: AgriculturalDetail,
    RightKind.FOREST: ForestDetail,
    RightKind.SEA_USE: SeaUseDetail,
    RightKind.STRUCTURE_OWNERSHIP: StructureDetail,
    RightKind.COMMON_PARTS: CommonPartsDetail,
    RightKind.OTHER: OtherRightDetail,
    RightKind.EASEMENT: EasementDetail,
    RightKind.RESIDENCE: ResidenceDetail,
    RightKind.MORTGAGE: MortgageDetail,
    RightKind.ADVANCE_NOTICE: AdvanceNoticeDetail,
    RightKind.OBJECTION: ObjectionDetail,
    RightKind.SEIZURE: SeizureDetail,
}
DETAIL_RELATED_NAMES: dict[str, str] = {
    kind: model._meta.get_field("right").remote_field.related_name  # type: ignore[union-attr,misc]
    for kind, model in DETAIL_MODELS.items()
}


def attach_details(rights: Iterable[Right]) -> None:
    """Load the typed details of many rights, one query per detail table present, and cache
    each on its right (`right.detail` then needs no query; a missing detail reads as None).

    Joining all the detail tables at once would be one query, but it makes PostgreSQL's
    planner slow (beyond its join-collapse limit), which matters on the hot read path.
    """
    wanted: dict[type[models.Model], dict[int, Right]] = {}
    for right in rights:
        model = DETAIL_MODELS.get(right.kind)
        if model is not None and not _relation(right.kind).is_cached(right):
            wanted.setdefault(model, {})[right.pk] = right
    for model, by_pk in wanted.items():
        found = {detail.pk: detail for detail in model._default_manager.filter(pk__in=list(by_pk))}
        back = model._meta.get_field("right")
        for pk, right in by_pk.items():
            detail = found.get(pk)
            _relation(right.kind).set_cached_value(right, detail)
            if detail is not None:
                back.set_cached_value(detail, right)  # type: ignore[union-attr]


def _relation(kind: str) -> Any:
    return Right._meta.get_field(DETAIL_RELATED_NAMES[kind])
