from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bdcdj.core"
    label = "core"
    verbose_name = "核心"
