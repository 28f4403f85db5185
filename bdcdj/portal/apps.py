from django.apps import AppConfig


class PortalConfig(AppConfig):
    """互联网+不动产登记: citizens' accounts, appointments, online applications, ratings."""

    name = "bdcdj.portal"
    label = "portal"
    verbose_name = "互联网+不动产登记"
    default_auto_field = "django.db.models.BigAutoField"
