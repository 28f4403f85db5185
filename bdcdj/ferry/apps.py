from django.apps import AppConfig


class FerryConfig(AppConfig):
    name = "bdcdj.ferry"
    label = "ferry"
    verbose_name = "单向摆渡"
