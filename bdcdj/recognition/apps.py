from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    """智能审核: recognition of uploaded materials and their comparison with the application,
    the register and shared data."""

    name = "bdcdj.recognition"
    label = "recognition"
    verbose_name = "智能审核"
    default_auto_field = "django.db.models.BigAutoField"
