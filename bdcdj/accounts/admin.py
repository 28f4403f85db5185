"""Django admin for users, roles with page grants, organisations, tenants; audit read-only."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from bdcdj.accounts.forms import AdminLoginForm, PagePermissionForm
from bdcdj.accounts.models import (
    AuditLog,
    Organisation,
    PagePermission,
    Role,
    Tenant,
    User,
    UserRole,
    UserTenant,
)
from bdcdj.accounts.services import user_unlock

# The admin login goes through the same lockout messages as the console login.
admin.site.login_form = AdminLoginForm


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 0
    verbose_name = "角色"
    verbose_name_plural = "角色"
    autocomplete_fields = ["role"]


class UserTenantInline(admin.TabularInline):
    model = UserTenant
    extra = 0
    verbose_name = "可操作行政区"
    verbose_name_plural = "可操作行政区"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [UserRoleInline, UserTenantInline]
    list_display = ["username", "display_name", "organisation", "role_names", "is_active", "locked_until"]
    list_filter = ["is_active", "is_staff", "is_superuser", "organisation", "user_roles__role"]
    search_fields = ["username", "display_name", "organisation__name"]
    readonly_fields = ["failed_logins", "locked_until", "password_changed_at", "last_login", "date_joined"]
    actions = ["unlock"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("基本信息", {"fields": ("display_name", "organisation", "email")}),
        ("状态与权限", {"fields": ("is_active", "is_staff", "is_superuser")}),
        (
            "登录安全",
            {"fields": ("failed_logins", "locked_until", "password_changed_at", "last_login", "date_joined")},
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "display_name", "organisation", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return (
            super().get_queryset(request).select_related("organisation").prefetch_related("user_roles__role")
        )

    @admin.display(description="角色")
    def role_names(self, obj: User) -> str:
        return "、".join(ur.role.name for ur in obj.user_roles.all())

    @admin.action(description="解除所选账号的登录锁定")
    def unlock(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        by = request.user if isinstance(request.user, User) else None
        for user in queryset:
            user_unlock(user=user, by=by)
        self.message_user(request, f"已解除 {queryset.count()} 个账号的锁定", messages.SUCCESS)


class PagePermissionInline(admin.TabularInline):
    model = PagePermission
    form = PagePermissionForm
    extra = 0
    verbose_name = "页面权限"
    verbose_name_plural = "页面权限"


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "can_view_pii", "description"]
    search_fields = ["code", "name"]
    inlines = [PagePermissionInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region_code", "is_active"]
    list_filter = ["kind", "is_active", "region_code"]
    search_fields = ["code", "name"]


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["region_code", "name", "province_abbr", "parent_code"]
    search_fields = ["region_code", "name"]


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: the audit trail cannot be added to, changed or deleted by hand."""

    list_display = ["at", "actor_name", "action", "object_type", "object_id", "region_code", "outcome"]
    list_filter = ["outcome", "action"]
    search_fields = ["actor_name", "action", "object_id"]
    date_hierarchy = "at"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Not district-scoped, so superusers only; others use the audit page (/accounts/audit/).
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
