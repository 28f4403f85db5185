"""The simulated departments as one small WSGI application.

Department interfaces: `POST /<department>/<kind>` (e.g. `/police/identity.id_card`) with a
signed JSON body `{"kind", "params"}`; the answer `{"status", "message", "data"}` is signed.
Control endpoints for tests and demos (unsigned; bind the simulator to loopback):
`POST /_control/outage {"seconds": N} | {"down": bool}`, `/_control/latency {"ms": N}`,
`/_control/tamper {"response_signature": bool, "replay_response": bool}`,
`/_control/records {"table", "rows"}`, `/_control/push {"order_no", "target"}`,
`/_control/reset`, `GET /_control/health`, `GET /_control/stats`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bdcdj.sharing import signing
from bdcdj.sharing.kinds import DEPARTMENTS, KINDS
from bdcdj.sharing.simulator import store
from bdcdj.sharing.simulator.answers import HANDLERS

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
MAX_BODY = 4 * 1024 * 1024
REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    409: "Conflict",
    503: "Service Unavailable",
    502: "Bad Gateway",
}


@dataclass
class Controls:
    down_until: float = 0.0
    down: bool = False
    latency_ms: int = 0
    tamper_signature: bool = False
    replay_response: bool = False
    last_response: tuple[int, bytes, dict[str, str]] | None = None
    calls: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def is_down(self) -> bool:
        return self.down or time.time() < self.down_until


class Simulator:
    def __init__(self, *, db_path: str, master_key_hex: str) -> None:
        self.db_path = db_path
        self.master = master_key_hex
        self.controls = Controls()

    def key(self, department: str) -> bytes:
        return signing.department_key(master_hex=self.master, credentials_ref=department)

    def conn(self) -> sqlite3.Connection:
        return store.connect(self.db_path)

    # -- WSGI ------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(min(length, MAX_BODY)) if length else b""
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if path.startswith("/_control/"):
            status, payload = self.control(method, path[len("/_control/") :], body)
            return self._plain(start_response, status, payload)
        parts = path.strip("/").split("/")
        if method != "POST" or len(parts) != 2 or parts[0] not in DEPARTMENTS:
            return self._plain(start_response, 404, {"message": "无此接口"})
        status, out, extra = self.interface(parts[0], parts[1], path, body, headers)
        start_response(
            f"{status} {REASONS.get(status, 'OK')}",
            [
                ("Content-Type", "application/json; charset=utf-8"),
                ("Content-Length", str(len(out))),
                *extra.items(),
            ],
        )
        return [out]

    def _plain(self, start_response: StartResponse, status: int, payload: dict[str, Any]) -> list[bytes]:
        out = json.dumps(payload, ensure_ascii=False).encode()
        start_response(
            f"{status} {REASONS.get(status, 'OK')}",
            [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(out)))],
        )
        return [out]

    # -- department interfaces -------------------------------------------------------------
    def interface(
        self, department: str, kind: str, path: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, bytes, dict[str, str]]:
        c = self.controls
        if c.latency_ms:
            time.sleep(c.latency_ms / 1000)
        if c.is_down():
            return 503, json.dumps({"message": "部门系统维护中"}, ensure_ascii=False).encode(), {}
        if c.replay_response and c.last_response is not None:
            return c.last_response
        key = self.key(department)
        request_nonce = headers.get(signing.H_NONCE, "")
        status, payload = self._answer(department, kind, path, body, headers, key)
        out = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        signed = signing.sign_response(key=key, status=status, request_nonce=request_nonce, body=out)
        if c.tamper_signature:
            signed[signing.H_SIGNATURE] = "0" * 64
        with c.lock:
            c.calls[kind] += 1
            c.last_response = (status, out, signed)
        return status, out, signed

    def _answer(
        self, department: str, kind: str, path: str, body: bytes, headers: dict[str, str], key: bytes
    ) -> tuple[int, dict[str, Any]]:
        spec = KINDS.get(kind)
        if spec is None or spec.department != department:
            return 404, {"message": "该部门无此接口"}
        try:
            nonce = signing.verify_request(key=key, method="POST", path=path, body=body, headers=headers)
        except signing.SignatureError as exc:
            return 401, {"message": f"验签失败：{exc}"}
        conn = self.conn()
        try:
            if not self._accept_nonce(conn, department, nonce):
                return 409, {"message": "重复的请求（随机数已使用）"}
            try:
                request = json.loads(body.decode("utf-8"))
                params = {str(k): str(v) for k, v in dict(request["params"]).items()}
            except (UnicodeDecodeError, ValueError, KeyError, TypeError):
                return 400, {"message": "请求格式有误"}
            missing = [name for name in spec.params if not params.get(name)]
            if missing:
                return 400, {"message": "缺少参数：" + "、".join(missing)}
            result, message, data = HANDLERS[kind](conn, params)
            return 200, {"status": result, "message": message, "data": data}
        finally:
            conn.close()

    def _accept_nonce(self, conn: sqlite3.Connection, department: str, nonce: str) -> bool:
        now = time.time()
        conn.execute("DELETE FROM nonce WHERE seen_at < ?", (now - 2 * signing.WINDOW_SECONDS,))
        try:
            conn.execute(
                "INSERT INTO nonce (department, nonce, seen_at) VALUES (?, ?, ?)", (department, nonce, now)
            )
        except sqlite3.IntegrityError:
            return False
        return True

    # -- control ---------------------------------------------------------------------------
    def control(self, method: str, action: str, body: bytes) -> tuple[int, dict[str, Any]]:
        c = self.controls
        if method == "GET" and action == "health":
            return 200, {"ok": True, "down": c.is_down()}
        if method == "GET" and action == "stats":
            return 200, {"calls": dict(c.calls)}
        if method != "POST":
            return 404, {"message": "无此控制接口"}
        try:
            data = json.loads(body or b"{}")
            if not isinstance(data, dict):
                raise ValueError
        except ValueError:
            return 400, {"message": "请求格式有误"}
        with c.lock:
            if action == "outage":
                c.down = bool(data.get("down", False))
                c.down_until = time.time() + float(data.get("seconds", 0))
                return 200, {"down": c.is_down()}
            if action == "latency":
                c.latency_ms = max(0, int(data.get("ms", 0)))
                return 200, {"latency_ms": c.latency_ms}
            if action == "tamper":
                c.tamper_signature = bool(data.get("response_signature", False))
                c.replay_response = bool(data.get("replay_response", False))
                return 200, {"response_signature": c.tamper_signature, "replay_response": c.replay_response}
            if action == "reset":
                self.controls = Controls()
                return 200, {"ok": True}
        if action == "records":
            return self._records(data)
        if action == "push":
            return self._push(data)
        return 404, {"message": "无此控制接口"}

    def _records(self, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        table, rows = data.get("table"), data.get("rows")
        if table not in store.TABLES or not isinstance(rows, list):
            return 400, {"message": "table 或 rows 有误"}
        conn = self.conn()
        try:
            for row in rows:
                if table == "court_order" and isinstance(row.get("payload"), dict):
                    row = {**row, "payload": json.dumps(row["payload"], ensure_ascii=False)}
                store.insert(conn, table, row)
        finally:
            conn.close()
        return 200, {"inserted": len(rows)}

    def _push(self, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """法院电子送达: sign the order as the court and POST it to our node's receiver."""
        target = str(data.get("target", ""))
        conn = self.conn()
        try:
            row = conn.execute(
                "SELECT * FROM court_order WHERE order_no=?", (data.get("order_no", ""),)
            ).fetchone()
        finally:
            conn.close()
        if row is None or not target.startswith(("http://", "https://")):
            return 400, {"message": "无此文书或目标地址有误"}
        order = {
            "order_no": row["order_no"],
            "kind": row["kind"],
            "court": row["court"],
            "document_number": row["document_number"],
            **json.loads(row["payload"]),
        }
        out = json.dumps(order, ensure_ascii=False, sort_keys=True).encode()
        path = urllib.parse.urlsplit(target).path
        headers = signing.sign_request(
            key=self.key("court"), method="POST", path=path, body=out, department="court"
        )
        if data.get("tamper"):
            headers[signing.H_SIGNATURE] = "f" * 64
        repeat = max(1, min(int(data.get("repeat", 1)), 5))
        results = []
        for _ in range(repeat):  # a repeat re-sends the very same signed bytes: a replay
            request = urllib.request.Request(
                target,
                data=out,
                method="POST",
                headers={"Content-Type": "application/json; charset=utf-8", **headers},
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    results.append({"status": response.status, "body": json.loads(response.read() or b"{}")})
            except urllib.error.HTTPError as exc:
                results.append({"status": exc.code, "body": json.loads(exc.read() or b"{}")})
            except (urllib.error.URLError, OSError) as exc:
                return 502, {"message": f"送达失败：{exc}"}
        return 200, {"results": results}
