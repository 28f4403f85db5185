from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "bdcdj.exchange"
    label = "exchange"
    verbose_name = "数据汇交（接入报文）"
    default_auto_field = "django.db.models.BigAutoField"
