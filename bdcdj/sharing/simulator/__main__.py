"""`python -m bdcdj.sharing.simulator --host 127.0.0.1 --port 8201 --data var/sharing-sim.sqlite3`

Starts the simulated departments. The database is created and seeded on first start (the demo
county's parties are replayed from `bdcdj.demo`); the shared key comes from
BDCDJ_SHARING_KEY (or BDCDJ_SHARING_KEY_<DEPARTMENT>), the same variables the node reads.
"""

import argparse
import contextlib
import os
import socketserver
import sys
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bdcdj.sharing import signing
from bdcdj.sharing.simulator import store
from bdcdj.sharing.simulator.population import demo_population
from bdcdj.sharing.simulator.server import Simulator


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Request lines carry no personal data, but the test and demo output stays readable."""
        if os.environ.get("BDCDJ_SHARING_SIM_VERBOSE"):
            super().log_message(format, *args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="部门共享模拟服务")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8201)
    parser.add_argument("--data", default="var/sharing-sim.sqlite3")
    args = parser.parse_args(argv)
    Path(args.data).parent.mkdir(parents=True, exist_ok=True)
    conn = store.connect(args.data)
    # The replay of the demo takes seconds; a seeded database is reused as it is.
    counts = store.counts(conn) if store.is_seeded(conn) else store.seed(conn, demo_population())
    conn.close()
    master = os.environ.get("BDCDJ_SHARING_KEY") or signing.DEV_MASTER_KEY
    app = Simulator(db_path=args.data, master_key_hex=master)
    server = make_server(
        args.host, args.port, app, server_class=_ThreadingServer, handler_class=_QuietHandler
    )
    print(f"部门共享模拟服务 http://{args.host}:{server.server_port}/ {counts}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
