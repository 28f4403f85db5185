from django.contrib import admin
from django.http import HttpRequest

from bdcdj.supervision.models import Alert, AlertNote, RuleSetting


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin):
    """Settings are changed on the rule page (typed, audited); the admin only lists them."""

    list_display = ("code", "enabled", "severity", "updated_by", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("rule_code", "region_code", "subject_label", "severity", "status", "first_seen_at")
    list_filter = ("rule_code", "severity", "status")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


admin.site.register(AlertNote)
