from django.contrib import admin
from django.http import HttpRequest

from bdcdj.precise.models import Assignment, CountyEndpoint, InboxTask, QueryLog, QueryTask


@admin.register(CountyEndpoint)
class CountyEndpointAdmin(admin.ModelAdmin):
    list_display = ("region_code", "name", "base_url", "push_enabled", "is_active", "created_at")
    list_filter = ("push_enabled", "is_active")
    search_fields = ("region_code", "name")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Tasks, answers and the log change only through services; the admin only lists them."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(QueryTask)
class QueryTaskAdmin(ReadOnlyAdmin):
    list_display = ("serial", "authority", "target_masked", "deadline", "created_at")
    search_fields = ("serial",)
    exclude = ("target_enc", "target_index")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("task", "region_code", "status", "attempts", "delivered_via", "answered_at")
    list_filter = ("status",)
    exclude = ("result_envelope",)


@admin.register(InboxTask)
class InboxTaskAdmin(ReadOnlyAdmin):
    list_display = ("serial", "region_code", "status", "deadline", "received_at")
    list_filter = ("status",)
    exclude = ("target_enc", "target_index", "draft_enc", "result_envelope")


@admin.register(QueryLog)
class QueryLogAdmin(ReadOnlyAdmin):
    list_display = ("day", "task_serial", "region_code", "event", "count")
    list_filter = ("event",)
