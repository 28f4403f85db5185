from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from bdcdj.hub.models import DeliveryFailure, ForwardItem, LowerNode, MirrorRecord, ReceivedMessage


@admin.register(LowerNode)
class LowerNodeAdmin(admin.ModelAdmin):
    """Nodes are registered with `manage.py node_register` (which issues the token); here they
    are listed and (de)activated only."""

    list_display = ("region_code", "name", "role", "is_active", "created_at")
    list_filter = ("role", "is_active")
    search_fields = ("region_code", "name")
    readonly_fields = ("region_code", "name", "role", "public_key_hex", "token_hash", "created_at")
    actions = ("deactivate", "activate")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="停用所选节点")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[LowerNode]) -> None:
        queryset.update(is_active=False)

    @admin.action(description="启用所选节点")
    def activate(self, request: HttpRequest, queryset: QuerySet[LowerNode]) -> None:
        queryset.update(is_active=True)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ReceivedMessage)
class ReceivedMessageAdmin(ReadOnlyAdmin):
    list_display = ("biz_msg_id", "node", "rectype", "status", "response_code", "clearance", "received_at")
    list_filter = ("status", "clearance", "rectype")
    search_fields = ("biz_msg_id",)
    exclude = ("xml",)


@admin.register(DeliveryFailure)
class DeliveryFailureAdmin(ReadOnlyAdmin):
    list_display = ("at", "claimed_region", "node", "kind", "response_code", "biz_msg_id")
    list_filter = ("kind",)


@admin.register(MirrorRecord)
class MirrorRecordAdmin(ReadOnlyAdmin):
    list_display = ("region_code", "unit_code", "table", "row_key", "status", "updated_at")
    list_filter = ("status", "table")
    search_fields = ("unit_code", "row_key")
    exclude = ("data",)


@admin.register(ForwardItem)
class ForwardItemAdmin(ReadOnlyAdmin):
    list_display = ("message", "status", "created_at")
    list_filter = ("status",)
