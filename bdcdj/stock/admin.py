"""Read-only admin of the stock import: batches and what the import noticed. Staged rows are
shown through the pages (personal values are masked there and in the rows themselves)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bdcdj.stock.models import ImportIssue, StockBatch


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StockBatch)
class StockBatchAdmin(ReadOnly):
    list_display = ("id", "name", "region_code", "status", "job", "rows_read", "rows_staged", "created_at")
    list_filter = ("status", "region_code")
    exclude = ("mapping_text",)


@admin.register(ImportIssue)
class ImportIssueAdmin(ReadOnly):
    list_display = ("batch", "kind", "source", "row_ref", "field_code", "message")
    list_filter = ("kind",)
