from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bdcdj.exchange.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: messages change only through the outbox services and the relay."""

    list_display = ("biz_msg_id", "region_code", "rectype", "unit_code", "case_number", "status", "attempts")
    list_filter = ("status", "region_code", "rectype")
    search_fields = ("biz_msg_id", "unit_code", "case_number")
    exclude = ("xml",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
