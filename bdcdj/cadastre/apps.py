from django.apps import AppConfig


class CadastreConfig(AppConfig):
    name = "bdcdj.cadastre"
    verbose_name = "地籍图"
