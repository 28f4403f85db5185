"""The console's main navigation: one registry, grouped, filtered by the user's page permissions.

Apps add their links here (not in base.html) so the bar stays grouped and each link is shown
only to users who hold one of its pages.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    pages: tuple[str, ...] = ()
    staff_only: bool = False


@dataclass(frozen=True)
class NavGroup:
    label: str
    links: tuple[NavLink, ...]


_CASE_PAGES = ("cases.queue", "cases.accept", "cases.review", "cases.record", "cases.certify")

NAV: tuple[NavGroup, ...] = (
    NavGroup(
        "登记业务",
        (
            NavLink("业务办理", "cases:queue", _CASE_PAGES),
            NavLink("时限监控", "cases:sla", _CASE_PAGES),
            NavLink("流程配置", "cases:workflows", ("cases.workflows",)),
        ),
    ),
    NavGroup(
        "登记簿",
        (
            NavLink("单元查询", "console:units", ("register.units",)),
            NavLink("地籍图", "cadastre:map", ("register.map",)),
            NavLink("楼盘表", "buildings:list", ("register.building_table",)),
            NavLink("事件链校验", "console:chain", ("register.chain",)),
            NavLink("质检统计", "quality:stats", ("quality.stats",)),
            NavLink("存量导入", "stock:batches", ("stock.import",)),
        ),
    ),
    NavGroup(
        "汇交与监测",
        (
            NavLink("上报报文", "exchange:outbox", ("exchange.outbox",)),
            NavLink("接收报文", "hub:messages", ("hub.messages",)),
            NavLink("下级节点", "hub:nodes", ("hub.nodes",)),
            NavLink("监测概览", "monitor:dashboard", ("monitor.dashboard",)),
            NavLink("登簿日志", "monitor:logs", ("monitor.logs",)),
            NavLink("数据汇交包", "huijiao:packages", ("huijiao.packages",)),
        ),
    ),
    NavGroup(
        "共享与查询",
        (
            NavLink("机构通道", "channel:institutions", ("channel.institutions",)),
            NavLink("精准查询任务", "precise:tasks", ("precise.tasks",)),
            NavLink("精准查询待办", "precise:inbox", ("precise.inbox_prepare", "precise.inbox_review")),
            NavLink("共享接口", "sharing:interfaces", ("sharing.interfaces",)),
            NavLink("出具查询证明", "query:proofs", ("query.proofs",)),
            NavLink("证书邮寄", "query:shipments", ("cases.certify",)),
            NavLink("公开查询", "query:public", (*_CASE_PAGES, "query.proofs", "register.units")),
            NavLink("短信发件箱", "portal_admin:sms", ("portal.sms",)),
            NavLink("预约签到", "portal_admin:attendance", ("portal.appointments",)),
            NavLink("好差评统计", "portal_admin:ratings", ("portal.ratings",)),
            NavLink("窗口服务统计", "portal_admin:service", ("portal.ratings",)),
            NavLink("自助终端", "portal_admin:kiosks", ("portal.kiosks",)),
        ),
    ),
    NavGroup(
        "统计与监督",
        (
            NavLink("统计分析", "stats:dashboard", ("stats.dashboard",)),
            NavLink("廉政风险预警", "supervision:alerts", ("supervision.alerts",)),
            NavLink("预警规则", "supervision:rules", ("supervision.rules",)),
        ),
    ),
    NavGroup(
        "系统管理",
        (
            NavLink("审计日志", "accounts:audit", ("accounts.audit",)),
            NavLink("管理后台", "admin:index", staff_only=True),
        ),
    ),
)


@dataclass(frozen=True)
class VisibleLink:
    label: str
    url: str


@dataclass(frozen=True)
class VisibleGroup:
    label: str
    links: tuple[VisibleLink, ...]


def _shown(link: NavLink, *, pages: Mapping[str, str], is_staff: bool) -> bool:
    if link.staff_only:
        return is_staff
    return any(code in pages for code in link.pages)


def visible_nav(
    *, pages: Mapping[str, str], is_staff: bool, groups: Iterable[NavGroup] = NAV
) -> list[VisibleGroup]:
    """Groups with at least one link the user may open; links whose URL is not mounted are skipped."""
    result = []
    for group in groups:
        links = []
        for link in group.links:
            if not _shown(link, pages=pages, is_staff=is_staff):
                continue
            try:
                links.append(VisibleLink(link.label, reverse(link.url_name)))
            except NoReverseMatch:
                continue
        if links:
            result.append(VisibleGroup(group.label, tuple(links)))
    return result
