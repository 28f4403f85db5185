from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "bdcdj.supervision"
    verbose_name = "廉政风险防控"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bdcdj.supervision import hooks

        hooks.connect()
