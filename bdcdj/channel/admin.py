from django.contrib import admin

from bdcdj.channel.models import ApiKey, ChannelItem, Institution


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("organisation", "region_code", "credit_code", "port_open", "closed_at")
    list_filter = ("region_code", "port_open")
    readonly_fields = ("service_user", "closed_at", "closed_by", "created_at")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are issued and revoked on the channel pages (audited); here they are read only."""

    list_display = ("prefix", "institution", "name", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = [f.name for f in ApiKey._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(ChannelItem)
class ChannelItemAdmin(admin.ModelAdmin):
    list_display = ("idempotency_key", "institution", "kind", "case", "created_at")
    list_filter = ("kind",)
    readonly_fields = [f.name for f in ChannelItem._meta.fields]
