"""Uploading packages to the upper node and keeping its QC report against each package.

Packages go in serial order per district with the node credentials the relay uses
(`exchange.services.relay.post`: X-Bdcdj-Node, Bearer token) to
`{BDCDJ_UPSTREAM_URL}/api/huijiao/v1/packages`, the file streamed from disk. The HTTP call is
made outside any transaction. A district stops at its first package that is not accepted, since
the upper node would refuse every later incremental as a gap; a refused replay counts as
accepted (an earlier attempt got through but its answer was lost).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from bdcdj.core.errors import DomainError
from bdcdj.exchange.services.relay import post
from bdcdj.huijiao.models import OutgoingPackage, OutgoingStatus, PackageKind
from bdcdj.huijiao.services.export import package_path

logger = logging.getLogger(__name__)

ENDPOINT = "/api/huijiao/v1/packages"
TIMEOUT_SECONDS = 600
PACKAGE_TYPE = "application/zip"
SENDABLE = (OutgoingStatus.BUILT, OutgoingStatus.FAILED)


@dataclass
class SendReport:
    accepted: list[OutgoingPackage] = field(default_factory=list)
    rejected: list[OutgoingPackage] = field(default_factory=list)
    failed: list[OutgoingPackage] = field(default_factory=list)


def package_send(*, package: OutgoingPackage, upstream_url: str | None = None) -> OutgoingPackage:
    """Upload one package and record the answer (status, code, message, QC report)."""
    base = (upstream_url if upstream_url is not None else settings.BDCDJ_UPSTREAM_URL).rstrip("/")
    if not base:
        raise DomainError(code="no_upstream", message="未配置上级节点地址（BDCDJ_UPSTREAM_URL）")
    path = package_path(package)
    if not path.is_file():
        raise DomainError(code="huijiao_file_missing", message=f"汇交包文件不存在：{path.name}")
    size = path.stat().st_size
    with path.open("rb") as body:
        answer = post(
            base + ENDPOINT,
            body,
            region_code=settings.BDCDJ_REGION_CODE,
            extra_headers={"Content-Type": PACKAGE_TYPE, "Content-Length": str(size)},
            timeout=TIMEOUT_SECONDS,
        )
    package.attempts += 1
    package.sent_at = timezone.now()
    payload = _json(answer.body)
    if answer.status == 200 and payload.get("status") == "accepted":
        package.status = OutgoingStatus.ACCEPTED
        package.response_code, package.response_message = "accepted", "上级节点已接收"
        package.qc_report = payload
    elif payload.get("code") == "huijiao_replayed":
        package.status = OutgoingStatus.ACCEPTED
        package.response_code = "huijiao_replayed"
        package.response_message = "上级节点此前已接收该包（本次为重复发送）"
    elif answer.status and 400 <= answer.status < 500 and answer.status not in {408, 429}:
        package.status = OutgoingStatus.REJECTED
        package.response_code = str(payload.get("code") or f"HTTP {answer.status}")[:50]
        package.response_message = str(payload.get("message") or answer.error)[:2000]
    else:
        package.status = OutgoingStatus.FAILED
        package.response_code = f"HTTP {answer.status}" if answer.status else "network"
        package.response_message = (answer.error or str(payload.get("message") or "上级节点无有效应答"))[
            :2000
        ]
    package.save(
        update_fields=["status", "attempts", "sent_at", "response_code", "response_message", "qc_report"]
    )
    logger.info("huijiao package %s serial %s: %s", package.package_id, package.serial, package.status)
    return package


def packages_send(*, upstream_url: str | None = None) -> SendReport:
    """Send every package not yet accepted, oldest first, per district. After a refused one a
    district's incrementals wait (they would not connect); a later full package goes."""
    report = SendReport()
    blocked: set[str] = set()
    pending = OutgoingPackage.objects.exclude(status=OutgoingStatus.ACCEPTED).order_by(
        "region_code", "serial"
    )
    for package in pending:
        if package.kind == PackageKind.FULL:
            blocked.discard(package.region_code)
        if package.region_code in blocked or package.status not in SENDABLE:
            blocked.add(package.region_code)
            continue
        sent = package_send(package=package, upstream_url=upstream_url)
        if sent.status == OutgoingStatus.ACCEPTED:
            report.accepted.append(sent)
            continue
        (report.rejected if sent.status == OutgoingStatus.REJECTED else report.failed).append(sent)
        blocked.add(package.region_code)
    return report


def _json(body: bytes) -> dict:
    try:
        found = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return found if isinstance(found, dict) else {}
