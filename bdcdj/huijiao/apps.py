from django.apps import AppConfig


class HuijiaoConfig(AppConfig):
    name = "bdcdj.huijiao"
    label = "huijiao"
    verbose_name = "数据汇交"
