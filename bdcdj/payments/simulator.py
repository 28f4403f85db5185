"""A runnable payment provider for development and tests: `python -m bdcdj.payments.simulator --port 8202`.

It speaks the protocol of `bdcdj.payments.providers.SimulatorProvider`: signed order creation and
query (JSON), a checkout page the payer confirms or cancels, and a signed callback (HMAC-SM3 over
timestamp, nonce and body) POSTed to the merchant's notify URL. Ticking "模拟回调丢失" on the
checkout page pays without calling back, so reconciliation by query can be exercised. Orders
live in memory. No Django: only the standard library and the project's SM3.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bdcdj.payments import signing

DEV_SECRET = "dev-payment-secret-do-not-use-in-production"
ORDER_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
CALLBACK_ATTEMPTS = 3


class Store:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.orders: dict[str, dict[str, Any]] = {}  # by merchant:order_number
        self.trades: dict[str, str] = {}  # trade number -> key


def _report(order: dict[str, Any]) -> dict[str, Any]:
    return {k: order[k] for k in ("merchant", "order_number", "trade_number", "amount", "status", "paid_at")}


class Handler(BaseHTTPRequestHandler):
    server_version = "bdcdj-payment-simulator/1"
    store: Store
    secret: str
    public_url: str

    def log_message(self, format: str, *args: Any) -> None:  # quiet unless asked
        if os.environ.get("BDCDJ_SIMULATOR_LOG"):
            super().log_message(format, *args)

    # -- helpers ---------------------------------------------------------------------------
    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: dict[str, Any]) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(
            status, body, "application/json; charset=utf-8", signing.sign(secret=self.secret, body=body)
        )

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, 1_000_000)) if length > 0 else b""

    def _signed(self, body: bytes) -> bool:
        headers = {h: self.headers.get(h, "") for h in (signing.TIMESTAMP, signing.NONCE, signing.SIGNATURE)}
        return signing.verify(secret=self.secret, body=body, headers=headers)

    # -- routes ----------------------------------------------------------------------------
    def do_GET(self) -> None:
        path = urllib.parse.urlsplit(self.path)
        if path.path == "/healthz":
            self._send(200, b"ok", "text/plain")
        elif path.path.startswith("/api/orders/"):
            self._query(path)
        elif m := re.fullmatch(r"/pay/([A-Za-z0-9]+)", path.path):
            self._page(m.group(1))
        else:
            self._send(404, "未找到".encode(), "text/plain; charset=utf-8")

    def do_POST(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        body = self._body()
        if path == "/api/orders":
            self._create(body)
        elif m := re.fullmatch(r"/pay/([A-Za-z0-9]+)/(confirm|cancel)", path):
            self._decide(
                m.group(1), m.group(2) == "confirm", urllib.parse.parse_qs(body.decode("utf-8", "replace"))
            )
        else:
            self._send(404, "未找到".encode(), "text/plain; charset=utf-8")

    def _create(self, body: bytes) -> None:
        if not self._signed(body):
            self._json(401, {"code": "bad_signature", "message": "签名无效"})
            return
        try:
            data = json.loads(body)
            merchant, number = str(data["merchant"]), str(data["order_number"])
            amount = Decimal(str(data["amount"]))
            notify, back = str(data["notify_url"]), str(data["return_url"])
            if not ORDER_RE.match(number) or amount <= 0 or not amount.is_finite():
                raise ValueError
        except (ValueError, KeyError, TypeError, InvalidOperation):
            self._json(400, {"code": "invalid", "message": "订单参数有误"})
            return
        key = f"{merchant}:{number}"
        with self.store.lock:
            order = self.store.orders.get(key)
            if order is None:
                trade = "T" + secrets.token_hex(10).upper()
                order = {
                    "merchant": merchant,
                    "order_number": number,
                    "trade_number": trade,
                    "amount": f"{amount:.2f}",
                    "subject": str(data.get("subject", ""))[:100],
                    "notify_url": notify,
                    "return_url": back,
                    "status": "paying",
                    "paid_at": "",
                }
                self.store.orders[key] = order
                self.store.trades[trade] = key
        self._json(
            200,
            {
                "trade_number": order["trade_number"],
                "pay_url": f"{self.public_url}/pay/{order['trade_number']}",
            },
        )

    def _query(self, path: urllib.parse.SplitResult) -> None:
        target = path.path + (f"?{path.query}" if path.query else "")
        if not self._signed(target.encode("utf-8")):
            self._json(401, {"code": "bad_signature", "message": "签名无效"})
            return
        number = urllib.parse.unquote(path.path.removeprefix("/api/orders/"))
        merchant = urllib.parse.parse_qs(path.query).get("merchant", [""])[0]
        with self.store.lock:
            order = self.store.orders.get(f"{merchant}:{number}")
        if order is None:
            self._json(404, {"code": "not_found", "message": "订单不存在"})
        else:
            self._json(200, _report(order))

    def _page(self, trade: str) -> None:
        with self.store.lock:
            key = self.store.trades.get(trade)
            order = dict(self.store.orders[key]) if key else None
        if order is None:
            self._send(404, "订单不存在".encode(), "text/plain; charset=utf-8")
            return
        e = html.escape
        state = {"paying": "待支付", "paid": "已支付", "failed": "已取消"}[order["status"]]
        actions = ""
        if order["status"] == "paying":
            actions = (
                f'<form method="post" action="/pay/{e(trade)}/confirm">'
                '<label><input type="checkbox" name="drop" value="1"> 模拟回调丢失（不通知商户）</label><br>'
                '<button type="submit" id="confirm">确认支付</button></form>'
                f'<form method="post" action="/pay/{e(trade)}/cancel">'
                '<button type="submit" id="cancel">取消支付</button></form>'
            )
        page = (
            '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            "<title>支付模拟器</title></head><body>"
            "<h1>支付模拟器 · 收银台</h1>"
            f"<p>商户：{e(order['merchant'])}</p><p>订单号：{e(order['order_number'])}</p>"
            f"<p>商品：{e(order['subject'])}</p>"
            f'<p>金额：<strong id="amount">{e(order["amount"])}</strong> 元</p>'
            f'<p>状态：<span id="status">{state}</span></p>{actions}</body></html>'
        )
        self._send(200, page.encode("utf-8"), "text/html; charset=utf-8")

    def _decide(self, trade: str, confirm: bool, form: dict[str, list[str]]) -> None:
        with self.store.lock:
            key = self.store.trades.get(trade)
            order = self.store.orders.get(key) if key else None
            if order is None:
                self._send(404, "订单不存在".encode(), "text/plain; charset=utf-8")
                return
            if order["status"] == "paying":
                order["status"] = "paid" if confirm else "failed"
                order["paid_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z") if confirm else ""
            report = _report(order)
            notify, back = order["notify_url"], order["return_url"]
        if form.get("drop", [""])[0] != "1":
            self._notify(notify, report)
        self._send(303, b"", "text/plain", {"Location": back})

    def _notify(self, url: str, report: dict[str, Any]) -> None:
        body = json.dumps(report, ensure_ascii=False).encode("utf-8")
        for attempt in range(CALLBACK_ATTEMPTS):
            headers = {"Content-Type": "application/json", **signing.sign(secret=self.secret, body=body)}
            request = urllib.request.Request(url, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2 * (attempt + 1))


def serve(*, host: str, port: int, secret: str, public_url: str = "") -> ThreadingHTTPServer:
    handler = type(
        "BoundHandler",
        (Handler,),
        {
            "store": Store(),
            "secret": secret,
            "public_url": (public_url or f"http://{host}:{port}").rstrip("/"),
        },
    )
    return ThreadingHTTPServer((host, port), handler)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="支付渠道模拟器（收银台、签名回调、订单查询）")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8202)
    parser.add_argument("--secret", default=os.environ.get("BDCDJ_PAYMENT_SECRET") or DEV_SECRET)
    parser.add_argument("--public-url", default="", help="收银台对外地址（默认 http://host:port）")
    args = parser.parse_args(argv)
    server = serve(host=args.host, port=args.port, secret=args.secret, public_url=args.public_url)
    print(f"payment simulator listening on http://{args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
