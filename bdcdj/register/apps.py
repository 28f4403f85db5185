from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "bdcdj.register"
    label = "register"
    verbose_name = "登记簿"
