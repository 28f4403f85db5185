"""The initiating side over HTTP: a `Peer` that calls an upper node's reconcile API."""

import json
import urllib.error
import urllib.request

from django.conf import settings

from bdcdj.core.errors import DomainError

TIMEOUT_SECONDS = 30


class HttpPeer:
    """Speaks to `{base_url}/api/reconcile/v1/` with this node's credentials; counts bytes."""

    def __init__(self, *, base_url: str, region_code: str, token: str) -> None:
        self.base = base_url.rstrip("/") + "/api/reconcile/v1/"
        self.headers = {
            "Content-Type": "application/json",
            "X-Bdcdj-Node": region_code,
            "Authorization": f"Bearer {token}",
        }
        self.sent = self.received = self.round_trips = 0

    @classmethod
    def upstream(cls) -> "HttpPeer":
        if not settings.BDCDJ_UPSTREAM_URL:
            raise DomainError(code="no_upstream", message="未配置上级节点地址（BDCDJ_UPSTREAM_URL）")
        return cls(
            base_url=settings.BDCDJ_UPSTREAM_URL,
            region_code=settings.BDCDJ_REGION_CODE,
            token=settings.BDCDJ_NODE_TOKEN,
        )

    def _post(self, op: str, payload: dict[str, object]) -> dict:
        body = json.dumps(payload).encode()
        request = urllib.request.Request(self.base + op, data=body, headers=self.headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:500].decode("utf-8", "replace")
            raise DomainError(
                code="reconcile_refused", message=f"上级节点拒绝核对请求（HTTP {exc.code}）：{detail}"
            ) from exc
        except (urllib.error.URLError, TimeoutError) as exc:
            raise DomainError(code="reconcile_unreachable", message=f"无法连接上级节点：{exc}") from exc
        self.sent += len(body)
        self.received += len(raw)
        self.round_trips += 1
        return json.loads(raw)

    def summary(self) -> dict[str, object]:
        return self._post("summary", {})

    def children(self, prefixes: list[str]) -> dict[str, dict[str, str]]:
        return self._post("children", {"prefixes": prefixes})

    def entries(self, prefixes: list[str]) -> dict[str, dict[str, str]]:
        return self._post("entries", {"prefixes": prefixes})

    def report(self, payload: dict[str, object]) -> dict:
        """Report a finished run; the upper node records it and answers what it found."""
        return self._post("runs", payload)
