"""Read-only admin for the register: it has one writer (登簿 through `register.services.record`),
so the admin may look but never add, change or delete. Parties show masked values only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bdcdj.register.models import (
    Building,
    ChainHead,
    Floor,
    LogicalBuilding,
    Parcel,
    Party,
    RegisterEvent,
    Right,
    Unit,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PartyInline(admin.TabularInline):
    model = Party
    fields = (
        "order",
        "role",
        "party_type",
        "name_masked",
        "id_type",
        "id_masked",
        "share",
        "holds_certificate",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Parcel)
class ParcelAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "location", "area", "region_code", "status")
    list_filter = ("kind", "status", "region_code")
    search_fields = ("code", "location")


@admin.register(Building)
class BuildingAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "location", "floors_above", "total_households", "region_code")
    search_fields = ("code", "name", "location")
    list_select_related = ("parcel",)


@admin.register(LogicalBuilding)
class LogicalBuildingAdmin(ReadOnlyAdmin):
    list_display = ("building", "number", "door_number", "region_code")
    search_fields = ("building__code",)
    list_select_related = ("building",)


@admin.register(Floor)
class FloorAdmin(ReadOnlyAdmin):
    list_display = ("logical_building", "number", "nominal_label", "region_code")
    list_select_related = ("logical_building__building",)


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "kind",
        "location",
        "room_label",
        "built_area",
        "status",
        "version",
        "region_code",
    )
    list_filter = ("kind", "status", "region_code")
    search_fields = ("=code", "location")
    show_full_result_count = False


@admin.register(Right)
class RightAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "unit",
        "kind",
        "right_type",
        "registration_type",
        "status",
        "business_number",
        "registered_at",
    )
    list_filter = ("kind", "status", "registration_type", "region_code")
    search_fields = ("=unit__code", "=business_number", "=certificate_number")
    list_select_related = ("unit",)
    inlines = [PartyInline]
    show_full_result_count = False


@admin.register(RegisterEvent)
class RegisterEventAdmin(ReadOnlyAdmin):
    list_display = ("region_code", "seq", "kind", "business_number", "unit_code", "occurred_at", "actor_name")
    list_filter = ("kind", "region_code")
    search_fields = ("=business_number", "=unit_code", "=hash")
    show_full_result_count = False


@admin.register(ChainHead)
class ChainHeadAdmin(ReadOnlyAdmin):
    list_display = ("region_code", "seq", "hash")
