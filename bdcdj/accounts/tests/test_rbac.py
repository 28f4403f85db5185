"""Roles and page permissions: the default roles, the view decorator and the ninja helper."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory

from bdcdj.accounts.decorators import ensure_page, page_required
from bdcdj.accounts.models import PagePermission, Role, UserRole
from bdcdj.accounts.pages import DEFAULT_ROLES, PAGES
from bdcdj.accounts.selectors import can_view_pii, page_level, pages_for_user, user_can
from bdcdj.core.errors import Forbidden


def grants(code):
    return dict(PagePermission.objects.filter(role__code=code).values_list("page", "level"))


def test_default_roles_are_created_by_the_migration(db):
    roles = dict(Role.objects.values_list("code", "name"))
    assert roles == {
        "clerk": "受理人员",
        "reviewer": "审核人员",
        "registrar": "登簿人员",
        "admin": "系统管理员",
        "auditor": "审计员",
        "inquirer": "查询人员",
        "channel_supervisor": "机构通道监管员",
        "inquiry_a": "精准查询经办（A岗）",
        "inquiry_b": "精准查询复核（B岗）",
        "leader": "领导（统计与监督）",
        "supervisor": "纪检监督员",
    }


def test_default_grants(db):
    assert grants("admin") == dict.fromkeys(PAGES, "write")
    assert grants("auditor") == {"accounts.audit": "read"}
    assert grants("inquirer") == {"register.units": "read"}
    assert grants("clerk")["cases.accept"] == "write"
    assert grants("reviewer")["cases.review"] == "write"
    assert grants("registrar")["cases.record"] == "write"
    assert "accounts.audit" not in grants("clerk")


def test_only_registrar_and_admin_may_see_personal_data(db):
    assert set(Role.objects.filter(can_view_pii=True).values_list("code", flat=True)) == {
        "registrar",
        "admin",
    }


def test_default_roles_refer_only_to_catalogued_pages():
    for spec in DEFAULT_ROLES:
        assert set(spec.pages) <= set(PAGES), spec.code


def test_sync_command_restores_defaults_and_keeps_extra_grants(db):
    PagePermission.objects.filter(role__code="auditor").delete()
    inquirer = Role.objects.get(code="inquirer")
    PagePermission.objects.create(role=inquirer, page="standards.dictionaries", level="read")
    call_command("sync_default_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert grants("auditor") == {"accounts.audit": "read"}
    assert grants("inquirer") == {"register.units": "read", "standards.dictionaries": "read"}


def test_a_grant_must_name_a_catalogued_page(db):
    permission = PagePermission(role=Role.objects.get(code="clerk"), page="nowhere.page")
    with pytest.raises(ValidationError):
        permission.full_clean()


def test_levels_combine_across_roles(make_user):
    user = make_user(roles=("inquirer", "admin"))
    assert page_level(user=user, page="register.units") == "write"
    reader = make_user(roles=("inquirer",))
    assert page_level(user=reader, page="register.units") == "read"
    assert user_can(user=reader, page="register.units")
    assert not user_can(user=reader, page="register.units", write=True)
    assert page_level(user=reader, page="accounts.audit") is None


def test_pages_for_user_lists_levels_in_catalogue_order(make_user, superuser):
    user = make_user(roles=("clerk",))
    clerk = next(spec for spec in DEFAULT_ROLES if spec.code == "clerk")
    listed = pages_for_user(user=user)
    assert listed == clerk.pages
    assert list(listed) == [page for page in PAGES if page in clerk.pages]
    assert listed["cases.accept"] == "write" and listed["register.units"] == "read"
    assert pages_for_user(user=superuser) == dict.fromkeys(PAGES, "write")
    assert pages_for_user(user=AnonymousUser()) == {}


def test_inactive_or_anonymous_users_have_no_pages(make_user):
    user = make_user(roles=("admin",))
    user.is_active = False
    assert page_level(user=user, page="accounts.audit") is None
    assert page_level(user=AnonymousUser(), page="accounts.audit") is None


def test_unknown_page_is_a_programming_error(clerk):
    with pytest.raises(ValueError):
        page_level(user=clerk, page="no.such.page")
    with pytest.raises(ImproperlyConfigured):
        page_required("no.such.page")


def test_pii_visibility_follows_roles(clerk, registrar, superuser):
    assert not can_view_pii(user=clerk)
    assert can_view_pii(user=registrar)
    assert can_view_pii(user=superuser)
    assert not can_view_pii(user=AnonymousUser())
    UserRole.objects.create(user=clerk, role=Role.objects.get(code="registrar"))
    assert can_view_pii(user=clerk)


# --- the view decorator ---


@page_required("register.units")
def units_view(request):
    return HttpResponse("units")


@page_required("register.units", write=True)
def units_edit_view(request):
    return HttpResponse("edit")


def make_request(user, path="/units/?q=1"):
    request = RequestFactory().get(path)
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_anonymous_user_is_sent_to_login_and_back(db):
    response = units_view(make_request(AnonymousUser()))
    assert response.status_code == 302
    assert response.url == "/login/?next=/units/%3Fq%3D1"


def test_user_without_permission_gets_a_chinese_403_page(clerk, make_user):
    auditor = make_user(roles=("auditor",))
    response = units_view(make_request(auditor))
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权访问" in body
    assert "没有查看“不动产单元查询”的权限" in body
    assert '<html lang="zh-CN">' in body  # rendered inside the base layout


def test_read_permission_is_not_enough_for_a_write_view(clerk):
    assert units_view(make_request(clerk)).status_code == 200
    response = units_edit_view(make_request(clerk))
    assert response.status_code == 403
    assert "没有修改“不动产单元查询”的权限" in response.content.decode()


def test_permitted_users_and_superusers_get_the_view(make_user, superuser):
    assert units_edit_view(make_request(make_user(roles=("admin",)))).content == b"edit"
    assert units_edit_view(make_request(superuser)).content == b"edit"


def test_decorated_view_keeps_its_name():
    assert units_view.__name__ == "units_view"


# --- the ninja helper ---


def test_ensure_page_raises_forbidden_with_a_stable_code(clerk):
    request = make_request(clerk)
    ensure_page(request, "register.units")
    with pytest.raises(Forbidden) as exc:
        ensure_page(request, "accounts.audit")
    assert exc.value.code == "page_forbidden"
    assert exc.value.message == "没有查看“审计日志”的权限"
    with pytest.raises(Forbidden):
        ensure_page(request, "register.units", write=True)


def test_ninja_endpoint_answers_403_json_for_a_missing_page(client, clerk):
    client.force_login(clerk)
    response = client.get("/api/accounts/v1/audit")
    assert response.status_code == 403
    assert response.json() == {"code": "page_forbidden", "message": "没有查看“审计日志”的权限", "fields": {}}
