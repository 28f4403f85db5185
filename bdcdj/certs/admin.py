from django.contrib import admin
from django.http import HttpRequest

from bdcdj.certs.models import CertificateVersion


@admin.register(CertificateVersion)
class CertificateVersionAdmin(admin.ModelAdmin):
    """Read-only: versions change only through the services."""

    list_display = ("number", "version", "status", "region_code", "created_at", "voided_at")
    list_filter = ("status", "kind", "region_code")
    search_fields = ("number",)
    exclude = ("code_hash", "masked")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
