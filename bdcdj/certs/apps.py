from django.apps import AppConfig


class CertsConfig(AppConfig):
    """Electronic certificates: signed, versioned PDFs kept equal to the register, and the
    public verification of certificates and proofs."""

    name = "bdcdj.certs"
    label = "certs"
    verbose_name = "电子证照"
    default_auto_field = "django.db.models.BigAutoField"
