from django.contrib import admin

from bdcdj.portal.models import (
    Appointment,
    Citizen,
    CollectionCode,
    KioskDevice,
    Office,
    Rating,
    Slot,
    Window,
)


class WindowInline(admin.TabularInline):
    model = Window
    extra = 0


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("name", "region_code", "per_window", "is_active")
    list_filter = ("region_code", "is_active")
    inlines = [WindowInline]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ("office", "day", "start", "end", "capacity", "booked")
    list_filter = ("office", "day")
    readonly_fields = ("booked",)


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    """Masked values only; ciphertexts and keys are not shown."""

    list_display = ("phone_masked", "name_masked", "id_masked", "verified_at", "is_active", "created_at")
    list_filter = ("is_active",)
    fields = (
        "phone_masked",
        "name_masked",
        "id_masked",
        "verified_at",
        "face_checked_at",
        "is_active",
        "created_at",
    )
    readonly_fields = (
        "phone_masked",
        "name_masked",
        "id_masked",
        "verified_at",
        "face_checked_at",
        "created_at",
    )

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("slot", "region_code", "status", "created_at")
    list_filter = ("status", "region_code")
    raw_id_fields = ("citizen", "slot", "marked_by", "window", "served_by")


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("case", "business_type", "channel", "office", "window", "score", "created_at")
    list_filter = ("score", "channel", "business_type")
    raw_id_fields = ("case", "citizen", "office", "window", "appointment", "device")


@admin.register(KioskDevice)
class KioskDeviceAdmin(admin.ModelAdmin):
    """Register terminals with `manage.py kiosk_register` (it shows the secret once); here
    they can be switched off or moved to another window."""

    list_display = ("device_id", "name", "office", "window", "is_active", "last_seen_at")
    list_filter = ("is_active", "region_code")
    fields = ("device_id", "name", "office", "window", "is_active", "created_at", "last_seen_at")
    readonly_fields = ("device_id", "office", "created_at", "last_seen_at")

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(CollectionCode)
class CollectionCodeAdmin(admin.ModelAdmin):
    list_display = ("case", "region_code", "created_at", "expires_at", "used_at", "revoked_at")
    list_filter = ("region_code",)
    fields = ("case", "created_at", "expires_at", "used_at", "revoked_at", "device")
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False
