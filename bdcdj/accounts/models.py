"""Users, organisations, roles with page-level permissions, tenants (region codes), audit log."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models


class Organisation(models.Model):
    class Kind(models.TextChoices):
        AUTHORITY = "authority", "不动产登记机构"
        DEPARTMENT = "department", "政府部门"
        BANK = "bank", "金融机构"
        DEVELOPER = "developer", "房地产开发企业"
        PLATFORM = "platform", "省级/国家级平台"

    code = models.CharField("机构代码", max_length=32, unique=True)
    name = models.CharField("机构名称", max_length=200)
    kind = models.CharField("机构类型", max_length=16, choices=Kind.choices)
    region_code = models.CharField("行政区划代码", max_length=6, db_index=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "机构"
        ordering = ["region_code", "code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Staff and institution users. Citizens of the portal get their own model later."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="所属机构", null=True, blank=True, on_delete=models.PROTECT
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)
    failed_logins = models.PositiveIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.Model):
    """A named bundle of page permissions (e.g. 受理人员, 审核人员, 登簿人员, 系统管理员)."""

    code = models.CharField("角色代码", max_length=32, unique=True)
    name = models.CharField("角色名称", max_length=50)
    description = models.CharField("说明", max_length=200, blank=True)
    can_view_pii = models.BooleanField("可查看未脱敏个人信息", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "角色"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PagePermission(models.Model):
    """Read or write access of a role to one page of the catalogue in `accounts.pages`."""

    class Level(models.TextChoices):
        READ = "read", "只读"
        WRITE = "write", "读写"

    role = models.ForeignKey(Role, related_name="page_permissions", on_delete=models.CASCADE)
    page = models.CharField("页面", max_length=64)
    level = models.CharField("权限", max_length=8, choices=Level.choices, default=Level.READ)

    class Meta:
        verbose_name = verbose_name_plural = "页面权限"
        constraints = [models.UniqueConstraint(fields=["role", "page"], name="uniq_role_page")]

    def __str__(self) -> str:
        return f"{self.role} · {self.page} · {self.get_level_display()}"

    def clean(self) -> None:
        from bdcdj.accounts.pages import PAGES

        if self.page not in PAGES:
            raise ValidationError({"page": f"未知页面：{self.page}"})


class UserRole(models.Model):
    user = models.ForeignKey(User, related_name="user_roles", on_delete=models.CASCADE)
    role = models.ForeignKey(Role, related_name="user_roles", on_delete=models.CASCADE)

    class Meta:
        verbose_name = verbose_name_plural = "用户角色"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="uniq_user_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.role}"


class Tenant(models.Model):
    """A district (租户) identified by its region code; a deployment may host several."""

    region_code = models.CharField("行政区划代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=100)
    province_abbr = models.CharField("省级简称", max_length=4, blank=True)
    parent_code = models.CharField("上级区划代码", max_length=6, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "租户（行政区）"
        ordering = ["region_code"]

    def __str__(self) -> str:
        return f"{self.region_code} {self.name}"


class UserTenant(models.Model):
    """Which districts a user may act in. A user sees no district's data without a row here."""

    user = models.ForeignKey(User, related_name="tenants", on_delete=models.CASCADE)
    region_code = models.CharField("行政区划代码", max_length=6)

    class Meta:
        verbose_name = verbose_name_plural = "用户租户"
        constraints = [models.UniqueConstraint(fields=["user", "region_code"], name="uniq_user_tenant")]

    def __str__(self) -> str:
        return f"{self.user} · {self.region_code}"


class LoginThrottle(models.Model):
    """Failure counter for user names that do not exist, keyed by an HMAC-SM3 digest.

    Unknown names lock exactly like real accounts, so the login page never reveals which
    accounts exist. The clear user name is never stored.
    """

    key = models.CharField("账号摘要", max_length=64, unique=True)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "登录失败计数（未知账号）"

    def __str__(self) -> str:
        return self.key[:16]


class AppendOnlyError(Exception):
    pass


class AuditLogQuerySet(models.QuerySet):
    """Bulk writes would bypass `AuditLog.save`/`delete`, so they are refused here too."""

    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("审计日志只能追加，不能修改")

    def bulk_update(self, objs: object, fields: object, batch_size: int | None = None) -> int:
        raise AppendOnlyError("审计日志只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计日志只能追加，不能删除")

    def _raw_delete(self, using: object) -> int:
        raise AppendOnlyError("审计日志只能追加，不能删除")


AuditLogManager = models.Manager.from_queryset(AuditLogQuerySet)


class AuditLog(models.Model):
    """Who did what, when, from where, on which object. Append-only; kept at least one year.

    `detail` must never hold names or ID numbers in clear text: callers pass masked values.
    Write through `accounts.services.audit_record`. On PostgreSQL a trigger also refuses
    UPDATE and DELETE (migration 0002), so raw SQL cannot rewrite history either.
    """

    class Outcome(models.TextChoices):
        OK = "ok", "成功"
        FAILED = "failed", "失败"
        LOCKED = "locked", "已锁定"
        DENIED = "denied", "拒绝"
        ERROR = "error", "错误"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    # PROTECT: a user with history is deactivated, never deleted (SET_NULL would be an UPDATE).
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, verbose_name="操作人")
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象标识", max_length=64, blank=True)
    region_code = models.CharField("行政区划代码", max_length=6, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    user_agent = models.CharField("客户端", max_length=200, blank=True)
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices, default=Outcome.OK)
    detail = models.JSONField("详情", default=dict, blank=True)

    objects = AuditLogManager()

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.outcome}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise AppendOnlyError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计日志只能追加，不能删除")
