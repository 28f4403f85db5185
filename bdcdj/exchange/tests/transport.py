"""In-process transport for tests: what the relay and the daily-log sender would POST upstream
goes through Django's test client to this database's own receivers (one database plays both
nodes, as in the monitor's round-trip test)."""

from __future__ import annotations

import json

from django.conf import settings
from django.test import Client

from bdcdj.exchange.services.relay import Answer


class ClientUpstream:
    def __init__(self) -> None:
        self.client = Client()
        self.posts: list[str] = []

    def _headers(self, region_code: str, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {
            "X-Bdcdj-Node": region_code,
            "Authorization": f"Bearer {settings.BDCDJ_NODE_TOKEN}",
            **(extra or {}),
        }

    def post(self, url: str, body: bytes, *, region_code: str, extra_headers=None, timeout=None) -> Answer:
        path = "/api/" + url.split("/api/", 1)[1]
        self.posts.append(path)
        response = self.client.post(
            path, data=body, content_type="application/xml", headers=self._headers(region_code, extra_headers)
        )
        return Answer(response.status_code, response.content, "", response.headers.get("X-Bdcdj-Node", ""))

    def post_log(self, url: str, body: bytes, *, region_code: str, signature: str) -> Answer:
        return self.post(url, body, region_code=region_code, extra_headers={"X-Bdcdj-Signature": signature})

    def get_json(self, url: str, *, region_code: str):
        path = "/api/" + url.split("/api/", 1)[1]
        response = self.client.get(path, headers=self._headers(region_code))
        return (
            (response.json(), "") if response.status_code == 200 else (None, f"HTTP {response.status_code}")
        )

    def post_json(self, url: str, payload, *, region_code: str):
        path = "/api/" + url.split("/api/", 1)[1]
        response = self.client.post(
            path,
            data=json.dumps(payload),
            content_type="application/json",
            headers=self._headers(region_code),
        )
        return (
            (response.json(), "") if response.status_code == 200 else (None, f"HTTP {response.status_code}")
        )
