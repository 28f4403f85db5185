"""Canonical entry bytes of each source row. The same functions build the entry when it is
queued and when `ledger_audit` recomputes it from the stored source, so any change to either
side shows. Entries carry digests and positions only, never names or ID numbers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bdcdj.certs.models import CertificateVersion
from bdcdj.ledger.models import EntryKind
from bdcdj.register.models import RegisterEvent

ENTRY_VERSION = 1


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_reference(region_code: str, seq: int) -> str:
    return f"{region_code}:{seq}"


def event_entry(event: RegisterEvent) -> str:
    """The chain hash commits to the whole event (see register.services.chain)."""
    return canonical(
        {
            "v": ENTRY_VERSION,
            "kind": EntryKind.REGISTER_EVENT.value,
            "region": event.region_code,
            "seq": event.seq,
            "occurred_at": _iso(event.occurred_at),
            "event_hash": event.hash,
        }
    )


def certificate_reference(version: CertificateVersion) -> str:
    return f"certificate-version:{version.pk}"


def certificate_entry(version: CertificateVersion) -> str:
    """The SM3 of the signed PDF is what a holder can check; the number stays out of the log."""
    return canonical(
        {
            "v": ENTRY_VERSION,
            "kind": EntryKind.CERTIFICATE.value,
            "region": version.region_code,
            "document": version.kind,
            "version": version.version,
            "issued_at": _iso(version.created_at),
            "pdf_sm3": version.sm3,
        }
    )
