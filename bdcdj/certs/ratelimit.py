"""Rate limits of the public (no-login) pages and APIs, against enumeration.

Fixed windows counted in the database (`RateBucket`), so every worker process of every
server of the node shares the same counts. The client is named by a keyed digest of its
address (`REMOTE_ADDR`; a reverse proxy must pass the real address, e.g. gunicorn's
`forwarded_allow_ips`). The limit is `BDCDJ_PUBLIC_RATE_LIMIT`, "requests/seconds".
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest

from bdcdj.accounts.pii import keyed_digest
from bdcdj.certs.models import RateBucket
from bdcdj.core.errors import DomainError

KEEP_SECONDS = 24 * 3600


class RateLimited(DomainError):
    status_code = 429

    def __init__(self, *, retry_after: int) -> None:
        super().__init__(code="rate_limited", message=f"查询过于频繁，请{retry_after}秒后再试")
        self.retry_after = retry_after


def _limit() -> tuple[int, int]:
    raw = str(settings.BDCDJ_PUBLIC_RATE_LIMIT)
    try:
        count, seconds = (int(part) for part in raw.split("/"))
    except ValueError as exc:
        raise ImproperlyConfigured("BDCDJ_PUBLIC_RATE_LIMIT must look like 30/60") from exc
    if count < 1 or seconds < 1:
        raise ImproperlyConfigured("BDCDJ_PUBLIC_RATE_LIMIT must be positive")
    return count, seconds


def client_key(request: HttpRequest) -> str:
    return keyed_digest(request.META.get("REMOTE_ADDR", ""), purpose="certs.rate_client")


def hit(*, scope: str, key: str, limit: int | None = None, seconds: int | None = None) -> None:
    """Count one request; raise RateLimited (429) once the window's limit is exceeded."""
    default_count, default_seconds = _limit()
    limit, seconds = limit or default_count, seconds or default_seconds
    now = int(time.time())
    window = now // seconds
    with transaction.atomic():
        updated = RateBucket.objects.filter(scope=scope, key=key, window=window).update(hits=F("hits") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateBucket.objects.create(scope=scope, key=key, window=window, hits=1)
            except IntegrityError:  # another worker created it first
                RateBucket.objects.filter(scope=scope, key=key, window=window).update(hits=F("hits") + 1)
            RateBucket.objects.filter(window__lt=(now - KEEP_SECONDS) // seconds, scope=scope).delete()
        hits = RateBucket.objects.filter(scope=scope, key=key, window=window).values_list("hits", flat=True)[
            0
        ]
    if hits > limit:
        raise RateLimited(retry_after=(window + 1) * seconds - now)


def limit_request(request: HttpRequest, *, scope: str) -> None:
    hit(scope=scope, key=client_key(request))


def count_failure(*, scope: str, subject: str, limit: int, seconds: int) -> None:
    """Failures per subject (e.g. wrong codes for one certificate number), whoever asks."""
    hit(scope=scope, key=keyed_digest(subject, purpose=f"certs.{scope}"), limit=limit, seconds=seconds)


def failures_exceeded(*, scope: str, subject: str, limit: int, seconds: int) -> bool:
    window = int(time.time()) // seconds
    key = keyed_digest(subject, purpose=f"certs.{scope}")
    hits = (
        RateBucket.objects.filter(scope=scope, key=key, window=window).values_list("hits", flat=True).first()
    )
    return (hits or 0) >= limit
