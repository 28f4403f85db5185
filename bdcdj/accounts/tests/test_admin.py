"""Django admin for users, roles, organisations, tenants and the read-only audit log."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from bdcdj.accounts.models import AuditLog, Role
from bdcdj.accounts.services import audit_record


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize(
    "name",
    [
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
        "admin:accounts_role_changelist",
        "admin:accounts_organisation_changelist",
        "admin:accounts_tenant_changelist",
        "admin:accounts_auditlog_changelist",
    ],
)
def test_admin_pages_render(admin_client, districts, name):
    assert admin_client.get(reverse(name)).status_code == 200


def test_user_page_shows_roles_and_districts_inline(admin_client, registrar):
    body = admin_client.get(reverse("admin:accounts_user_change", args=[registrar.pk])).content.decode()
    assert "角色" in body and "可操作行政区" in body
    assert "登录安全" in body
    assert 'value="340121"' in body


def test_user_list_shows_role_names(admin_client, registrar):
    assert "登簿人员" in admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()


def test_role_page_offers_catalogued_pages(admin_client, db):
    role = Role.objects.get(code="clerk")
    body = admin_client.get(reverse("admin:accounts_role_change", args=[role.pk])).content.decode()
    assert "页面权限" in body
    assert "审计日志（accounts.audit）" in body


def test_unlock_action(admin_client, clerk, superuser):
    clerk.failed_logins, clerk.locked_until = 5, timezone.now() + timedelta(minutes=10)
    clerk.save()
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock", "_selected_action": [clerk.pk]},
        follow=True,
    )
    assert "已解除 1 个账号的锁定" in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.failed_logins == 0 and clerk.locked_until is None
    assert AuditLog.objects.get(action="accounts.user_unlock").actor == superuser


def test_audit_log_cannot_be_added_changed_or_deleted_in_admin(admin_client, db):
    entry = audit_record(actor=None, action="t.admin")
    assert admin_client.get(reverse("admin:accounts_auditlog_add")).status_code == 403
    change = admin_client.get(reverse("admin:accounts_auditlog_change", args=[entry.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert admin_client.get(reverse("admin:accounts_auditlog_delete", args=[entry.pk])).status_code == 403


def test_staff_without_superuser_cannot_browse_audit_in_admin(client, make_user):
    staff = make_user("staff-viewer", roles=("auditor",))
    staff.user_permissions.add(Permission.objects.get(codename="view_auditlog"))
    client.force_login(staff)
    assert client.get(reverse("admin:accounts_auditlog_changelist")).status_code == 403
