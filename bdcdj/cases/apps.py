from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "bdcdj.cases"
    label = "cases"
    verbose_name = "登记业务"
    default_auto_field = "django.db.models.BigAutoField"
