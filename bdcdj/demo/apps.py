from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "bdcdj.demo"
    label = "demo"
    verbose_name = "演示数据"
