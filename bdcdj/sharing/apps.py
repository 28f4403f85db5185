from django.apps import AppConfig


class SharingConfig(AppConfig):
    """信息共享集成: checks against other departments' interfaces, archived on the case."""

    name = "bdcdj.sharing"
    label = "sharing"
    verbose_name = "信息共享集成"
    default_auto_field = "django.db.models.BigAutoField"
