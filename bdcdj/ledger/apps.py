from django.apps import AppConfig


class LedgerConfig(AppConfig):
    """The transparency log: every register event and every certificate version, appended to
    an SM3 Merkle tree whose heads are SM2-signed (RFC 9162 ideas)."""

    name = "bdcdj.ledger"
    label = "ledger"
    verbose_name = "透明日志"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bdcdj.ledger import signals

        signals.connect()
