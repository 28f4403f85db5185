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
            NavLink("事件链校验", "console:chain", ("register.chain",)),
            NavLink("质检统计", "quality:stats", ("quality.stats",)),
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
        ),
    ),
    NavGroup(
        "共享与查询",
        (),
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
