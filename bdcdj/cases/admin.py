"""Admin: read-mostly views for support staff. Cases change only through the services, so
their rows are read-only here; workflow definitions are published through the API/console."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bdcdj.cases.models import (
    Case,
    CaseCertificate,
    CaseEvent,
    CaseGroup,
    Notice,
    WorkflowDefinition,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = CaseEvent
    fields = ("at", "kind", "step_code", "by_name", "message", "public")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "region_code", "business_type", "stage", "status", "deadline", "created_at")
    list_filter = ("region_code", "stage", "status", "business_type")
    search_fields = ("number", "units__unit_code")
    exclude = ("data",)
    inlines = [EventInline]


@admin.register(WorkflowDefinition)
class WorkflowDefinitionAdmin(ReadOnlyAdmin):
    list_display = (
        "region_code",
        "business_type",
        "version",
        "is_active",
        "time_limit_workdays",
        "created_at",
    )
    list_filter = ("region_code", "is_active", "business_type")


@admin.register(CaseGroup)
class CaseGroupAdmin(ReadOnlyAdmin):
    list_display = ("id", "region_code", "name", "created_at")


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "region_code", "issued_at")
    list_filter = ("kind", "region_code")
    search_fields = ("number",)


@admin.register(CaseCertificate)
class CaseCertificateAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "region_code", "rendered_at", "issued_at")
    search_fields = ("number",)
    exclude = ("receiver_name_enc",)
