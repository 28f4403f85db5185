from django.urls import reverse

from bdcdj.console.nav import NavGroup, NavLink, visible_nav


def test_only_links_for_held_pages_are_shown_and_empty_groups_dropped():
    groups = visible_nav(pages={"register.units": "read"}, is_staff=False)
    assert [g.label for g in groups] == ["登记簿", "共享与查询"]
    assert [(link.label, link.url) for link in groups[0].links] == [("单元查询", reverse("console:units"))]
    assert [link.label for link in groups[1].links] == ["公开查询"]


def test_staff_sees_admin_link_and_unmounted_urls_are_skipped():
    extra = (NavGroup("试验", (NavLink("不存在", "nowhere:page", ("register.units",)),)),)
    assert visible_nav(pages={"register.units": "read"}, is_staff=False, groups=extra) == []
    labels = [link.label for g in visible_nav(pages={}, is_staff=True) for link in g.links]
    assert labels == ["管理后台"]
