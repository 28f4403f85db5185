"""Admin: recorded findings, read-only (they are written only by `quality_findings_save`)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bdcdj.quality.models import QualityFinding


@admin.register(QualityFinding)
class QualityFindingAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "region_code",
        "rule_id",
        "severity",
        "stage",
        "subject_type",
        "subject_ref",
    ]
    list_filter = ["severity", "stage", "subject_type", "rule_id"]
    search_fields = ["subject_ref", "rule_id", "region_code"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
