from django.apps import AppConfig


class MonitorConfig(AppConfig):
    """登簿日志 (send at the county, compare at the upper node), per-node metrics and ranking."""

    name = "bdcdj.monitor"
    label = "monitor"
    verbose_name = "登簿日志与监测"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bdcdj.hub.services.hooks import on_accepted
        from bdcdj.monitor.services.resend import resend_items_clear

        on_accepted(resend_items_clear)  # an arriving 补报 closes its item of the list
