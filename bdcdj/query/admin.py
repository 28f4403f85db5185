from django.contrib import admin
from django.http import HttpRequest

from bdcdj.query.models import Proof, Shipment


@admin.register(Proof)
class ProofAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "subject_masked", "region_code", "channel", "issued_at", "voided_at")
    list_filter = ("kind", "channel", "region_code")
    search_fields = ("number",)
    fields = (
        "number",
        "kind",
        "subject_masked",
        "subject_id_masked",
        "has_house",
        "property_count",
        "issued_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ("tracking_number", "courier", "status", "recipient_masked", "region_code", "updated_at")
    list_filter = ("courier", "status", "region_code")
    search_fields = ("tracking_number",)
    fields = ("courier", "tracking_number", "status", "recipient_masked", "phone_masked", "address_masked")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
