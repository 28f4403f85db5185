from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "bdcdj.standards"
    label = "standards"
    verbose_name = "国家标准"
