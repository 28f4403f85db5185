from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bdcdj.huijiao.models import IncomingPackage, OutgoingPackage


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutgoingPackage)
class OutgoingPackageAdmin(_ReadOnly):
    list_display = (
        "region_code",
        "serial",
        "kind",
        "seq_from",
        "seq_to",
        "row_count",
        "status",
        "created_at",
    )
    list_filter = ("kind", "status")
    search_fields = ("package_id", "region_code")


@admin.register(IncomingPackage)
class IncomingPackageAdmin(_ReadOnly):
    list_display = (
        "region_code",
        "serial",
        "kind",
        "seq_from",
        "seq_to",
        "row_count",
        "qc_blocking",
        "imported_at",
    )
    list_filter = ("kind",)
    search_fields = ("package_id", "region_code")
