from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """登记费缴纳: orders against a case's fees, a payment provider, signed callbacks, receipts."""

    name = "bdcdj.payments"
    label = "payments"
    verbose_name = "缴费"
    default_auto_field = "django.db.models.BigAutoField"
