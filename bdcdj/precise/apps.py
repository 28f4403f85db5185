from django.apps import AppConfig


class PreciseConfig(AppConfig):
    name = "bdcdj.precise"
    verbose_name = "精准查询"
    default_auto_field = "django.db.models.BigAutoField"
