from django.contrib import admin

from bdcdj.ops.models import Heartbeat, LogArchive


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "host", "pid", "started_at", "beat_at")

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(LogArchive)
class LogArchiveAdmin(admin.ModelAdmin):
    list_display = ("kind", "month", "rows", "created_at", "verified_at", "pruned_at", "pruned_rows")
    readonly_fields = [f.name for f in LogArchive._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
