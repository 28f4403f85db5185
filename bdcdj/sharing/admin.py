from django.contrib import admin

from bdcdj.sharing.models import CourtOrder, Department, Interface, SharingCheck


class InterfaceInline(admin.TabularInline):
    model = Interface
    extra = 0
    fields = ("kind", "name", "endpoint_url", "mode", "credentials_ref", "enabled", "timeout_seconds")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "endpoint_url", "mode", "credentials_ref", "enabled", "timeout_seconds")
    list_editable = ("enabled",)
    inlines = [InterfaceInline]


@admin.register(Interface)
class InterfaceAdmin(admin.ModelAdmin):
    list_display = ("kind", "name", "department", "mode", "enabled", "timeout_seconds")
    list_filter = ("department", "enabled")


@admin.register(SharingCheck)
class SharingCheckAdmin(admin.ModelAdmin):
    """Read-only: the archive is written by services; clear bodies stay encrypted here."""

    list_display = (
        "created_at",
        "kind",
        "status",
        "case",
        "operator",
        "attempts",
        "latency_ms",
        "region_code",
    )
    list_filter = ("status", "kind", "region_code")
    exclude = ("request_enc", "response_enc")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(CourtOrder)
class CourtOrderAdmin(admin.ModelAdmin):
    list_display = ("received_at", "order_no", "kind", "court", "document_number", "case", "region_code")
    exclude = ("payload_enc",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
