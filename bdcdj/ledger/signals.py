"""Queue a log entry in the same transaction that writes a register event or a certificate
version, so a committed source always has its entry (a rollback removes both). The sequencer
(`services.ledger_sequence`) gives entries their positions later; `ledger_catch_up` covers
rows written without signals (bulk loads)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save


def _event_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        from bdcdj.ledger.services import entry_queue_event

        entry_queue_event(event=instance, new_source=True)


def _version_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        from bdcdj.ledger.services import entry_queue_certificate

        entry_queue_certificate(version=instance, new_source=True)


def connect() -> None:
    from bdcdj.certs.models import CertificateVersion
    from bdcdj.register.models import RegisterEvent

    post_save.connect(_event_saved, sender=RegisterEvent, dispatch_uid="ledger_register_event")
    post_save.connect(_version_saved, sender=CertificateVersion, dispatch_uid="ledger_certificate_version")
