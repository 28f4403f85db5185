from django.apps import AppConfig


class MonitorConfig(AppConfig):
    """登簿日志 (send at the county, compare at the upper node), per-node metrics and ranking."""

    name = "bdcdj.monitor"
    label = "monitor"
    verbose_name = "登簿日志与监测"
    default_auto_field = "django.db.models.BigAutoField"
