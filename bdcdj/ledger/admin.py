from django.contrib import admin
from django.http import HttpRequest

from bdcdj.ledger.models import Entry, TreeHead


class _ReadOnly(admin.ModelAdmin):
    """The log is written only by its services; the admin may look, never touch."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Entry)
class EntryAdmin(_ReadOnly):
    list_display = ("index", "kind", "reference", "leaf_hash", "appended_at")
    list_filter = ("kind", "region_code")
    search_fields = ("reference", "leaf_hash", "document_sm3")


@admin.register(TreeHead)
class TreeHeadAdmin(_ReadOnly):
    list_display = ("tree_size", "root_hash", "published_at", "log_id")
