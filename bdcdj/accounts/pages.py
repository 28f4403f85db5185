"""Catalogue of console pages that permissions refer to, and the default roles built on it.

This module is the single source: add a page here before guarding a view with
`page_required`, then grant it to roles (in the admin, or in DEFAULT_ROLES for the defaults
every deployment starts with). `manage.py sync_default_roles` brings existing deployments in
line after a change here.
"""

from dataclasses import dataclass, field
from typing import Any

PAGES: dict[str, str] = {
    "register.units": "不动产单元查询",
    "register.chain": "登簿事件链校验",
    "register.map": "地籍图",
    "register.pii": "权利人信息（未脱敏）",
    "register.building_table": "楼盘表（修改权限可规划户入库）",
    "cases.accept": "受理",
    "cases.review": "审核",
    "cases.record": "登簿",
    "cases.certify": "缮证、发证与归档",
    "cases.queue": "业务工作台",
    "cases.workflows": "业务流程配置",
    "accounts.audit": "审计日志",
    "accounts.users": "用户与角色",
    "standards.dictionaries": "数据字典",
    "quality.stats": "数据质量统计",
    "stock.import": "存量数据导入",
    "exchange.outbox": "上报报文（汇交）",
    "hub.messages": "接收报文与销账",
    "hub.nodes": "下级节点",
    "monitor.dashboard": "监测概览与排名",
    "monitor.logs": "登簿日志",
    "channel.institutions": "机构通道（银行、开发企业）",
    "precise.tasks": "精准查询任务（国家级）",
    "precise.inbox_prepare": "精准查询经办（A岗）",
    "precise.inbox_review": "精准查询复核（B岗）",
    "query.proofs": "出具无房证明与查询结果",
    "huijiao.packages": "数据汇交包",
    "portal.sms": "短信发件箱（网上登记）",
    "portal.appointments": "预约签到",
    "portal.ratings": "好差评统计",
    "portal.kiosks": "自助终端登记",
    "sharing.interfaces": "共享接口管理",
    "stats.dashboard": "统计分析",
    "supervision.alerts": "廉政风险预警",
    "supervision.rules": "廉政风险规则",
}

READ = "read"
WRITE = "write"


@dataclass(frozen=True)
class RoleSpec:
    code: str
    name: str
    description: str
    pages: dict[str, str] = field(default_factory=dict)
    can_view_pii: bool = False


DEFAULT_ROLES: tuple[RoleSpec, ...] = (
    RoleSpec(
        code="channel_supervisor",
        name="机构通道监管员",
        description="管理银行、开发企业的机构通道：签发与吊销接口密钥，关闭或开放接口",
        pages={"channel.institutions": WRITE, "cases.queue": READ},
    ),
    RoleSpec(
        code="clerk",
        name="受理人员",
        description="接件受理、材料核验",
        pages={
            "portal.appointments": WRITE,
            "cases.accept": WRITE,
            "cases.certify": WRITE,
            "query.proofs": WRITE,
            "cases.queue": READ,
            "cases.workflows": READ,
            "register.units": READ,
            "register.map": READ,
            "register.building_table": READ,
            "standards.dictionaries": READ,
        },
    ),
    RoleSpec(
        code="reviewer",
        name="审核人员",
        description="审核登记申请",
        pages={
            "cases.accept": READ,
            "cases.review": WRITE,
            "cases.queue": READ,
            "cases.workflows": READ,
            "register.units": READ,
            "register.map": READ,
            "register.building_table": READ,
            "register.chain": READ,
            "standards.dictionaries": READ,
            "quality.stats": READ,
            "monitor.dashboard": READ,
            "sharing.interfaces": READ,
        },
    ),
    RoleSpec(
        code="registrar",
        name="登簿人员",
        description="核准登簿，可查看未脱敏的权利人信息",
        pages={
            "cases.review": READ,
            "cases.record": WRITE,
            "cases.certify": READ,
            "cases.queue": READ,
            "cases.workflows": READ,
            "register.units": READ,
            "register.map": WRITE,
            "register.building_table": WRITE,
            "register.chain": READ,
            "register.pii": READ,
            "standards.dictionaries": READ,
            "quality.stats": READ,
            "exchange.outbox": READ,
            "monitor.dashboard": READ,
            "huijiao.packages": READ,
        },
        can_view_pii=True,
    ),
    RoleSpec(
        code="admin",
        name="系统管理员",
        description="全部页面读写，管理用户、角色与字典",
        pages=dict.fromkeys(PAGES, WRITE),
        can_view_pii=True,
    ),
    RoleSpec(
        code="auditor",
        name="审计员",
        description="查看与导出审计日志",
        pages={"accounts.audit": READ},
    ),
    RoleSpec(
        code="inquirer",
        name="查询人员",
        description="查询不动产单元（脱敏）",
        pages={"register.units": READ},
    ),
    RoleSpec(
        code="leader",
        name="领导（统计与监督）",
        description="查看业务统计与廉政风险预警",
        pages={
            "stats.dashboard": READ,
            "supervision.alerts": READ,
            "supervision.rules": READ,
            "portal.ratings": READ,
        },
    ),
    RoleSpec(
        code="supervisor",
        name="纪检监督员",
        description="核查与关闭廉政风险预警，查看统计与审计日志",
        pages={
            "stats.dashboard": READ,
            "supervision.alerts": WRITE,
            "supervision.rules": READ,
            "portal.ratings": READ,
            "accounts.audit": READ,
            "cases.queue": READ,
        },
    ),
    RoleSpec(
        code="inquiry_a",
        name="精准查询经办（A岗）",
        description="检索本地登记簿，生成精准查询结果待复核",
        pages={"precise.inbox_prepare": WRITE, "precise.inbox_review": READ},
    ),
    RoleSpec(
        code="inquiry_b",
        name="精准查询复核（B岗）",
        description="复核精准查询结果并加密上报；不能复核本人经办的任务",
        pages={"precise.inbox_review": WRITE, "precise.inbox_prepare": READ},
    ),
)


def apply_default_roles(role_model: Any, permission_model: Any) -> None:
    """Create or update the default roles and grant their pages.

    Takes the model classes so the data migration can pass its historical models. Each
    default grant is set to its specified level; pages an administrator granted on top of
    the defaults are kept.
    """
    for spec in DEFAULT_ROLES:
        unknown = set(spec.pages) - set(PAGES)
        if unknown:
            raise ValueError(f"role {spec.code} refers to unknown pages {sorted(unknown)}")
        role, _ = role_model.objects.update_or_create(
            code=spec.code,
            defaults={"name": spec.name, "description": spec.description, "can_view_pii": spec.can_view_pii},
        )
        for page, level in spec.pages.items():
            permission_model.objects.update_or_create(role=role, page=page, defaults={"level": level})
