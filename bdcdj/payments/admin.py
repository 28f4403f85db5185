from django.contrib import admin

from bdcdj.payments.models import PaymentNotice, PaymentOrder


@admin.register(PaymentOrder)
class PaymentOrderAdmin(admin.ModelAdmin):
    """Orders change only through the provider's callbacks and queries; read only here."""

    list_display = ("number", "case", "amount", "status", "provider", "created_at", "paid_at")
    list_filter = ("status", "provider", "region_code")
    readonly_fields = [f.name for f in PaymentOrder._meta.fields]


@admin.register(PaymentNotice)
class PaymentNoticeAdmin(admin.ModelAdmin):
    list_display = ("nonce", "order", "outcome", "sent_at", "received_at")
    readonly_fields = [f.name for f in PaymentNotice._meta.fields]
