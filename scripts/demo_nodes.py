"""`make demo-nodes`: the registration network on one machine (ARCHITECTURE §6).

Five nodes, each its own process group on 127.0.0.1 with its own SQLite database and SM2 key
under var/nodes/<name>/:

    长丰县 340121 (county, demo data) ─┐
    肥西县 340122 (county, no register) ┴► 合肥市 340100 ─► 安徽省 340000 ─► 全国 100000
                                                     (city)          (province)      (national)

Each node is registered at its upper node with `manage.py node_register` (the token is kept in
var/nodes/<name>/upstream.token and passed to the node as BDCDJ_NODE_TOKEN) and, key only, at
every node above that, so the province and the national node can verify the county's own
signature on forwarded messages. Then every node runs `manage.py serve` (web, task worker and,
with an upstream, the relay). Re-runs reuse keys, databases and tokens. Ctrl+C or SIGTERM stops
every child process group.

The functions are also the test harness of tests/e2e/test_demo_nodes.py and
test_delivery_faults.py (temporary directory, free ports, fewer nodes).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
HOST = "127.0.0.1"
PASSWORD = "Bdcdj#Demo2026"
SM2_ORDER = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
READY_SECONDS = 90


@dataclass(frozen=True)
class NodeSpec:
    name: str  # folder under the base directory
    region: str
    role: str  # county | city | province | national
    title: str
    port: int
    upstream: str = ""  # name of the upper node
    demo: str = ""  # "small" or "full": load the demo county
    env_extra: tuple[tuple[str, str], ...] = ()  # further settings of this node (BDCDJ_…)


DEMO_NODES = (
    NodeSpec("changfeng", "340121", "county", "长丰县", 8101, upstream="hefei", demo="full"),
    NodeSpec("feixi", "340122", "county", "肥西县", 8102, upstream="hefei"),
    NodeSpec("hefei", "340100", "city", "合肥市", 8103, upstream="anhui"),
    NodeSpec("anhui", "340000", "province", "安徽省", 8104, upstream="national"),
    NodeSpec("national", "100000", "national", "全国", 8105),
)


class Network:
    """The nodes of one run: paths, keys, tokens, environments and child processes."""

    def __init__(self, specs: Iterable[NodeSpec], base: Path, *, env_name: str = "development") -> None:
        self.specs = {spec.name: spec for spec in specs}
        self.base = base
        self.env_name = env_name
        self.children: dict[str, subprocess.Popen[bytes]] = {}

    # -- files -----------------------------------------------------------------------------
    def dir(self, name: str) -> Path:
        path = self.base / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def db_path(self, name: str) -> Path:
        return self.dir(name) / "bdcdj.sqlite3"

    def url(self, name: str) -> str:
        return f"http://{HOST}:{self.specs[name].port}"

    def private_key(self, name: str) -> str:
        """The node's SM2 private key, generated once and kept (mode 600) beside its database."""
        path = self.dir(name) / "sm2.key"
        if not path.exists():
            key = f"{secrets.randbelow(SM2_ORDER - 2) + 1:064x}"
            path.touch(mode=0o600)
            path.write_text(key + "\n")
        return path.read_text().strip()

    def public_key(self, name: str) -> str:
        from tongsuopy.crypto import serialization
        from tongsuopy.crypto.asymciphers import ec

        key = ec.derive_private_key(int(self.private_key(name), 16), ec.SM2())
        point = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return point.hex()

    def token_path(self, name: str) -> Path:
        return self.dir(name) / "upstream.token"

    # -- topology --------------------------------------------------------------------------
    def above(self, name: str) -> list[str]:
        """The upstream chain of a node, nearest first."""
        chain: list[str] = []
        current = self.specs[name].upstream
        while current:
            chain.append(current)
            current = self.specs[current].upstream
        return chain

    def below(self, name: str) -> list[str]:
        return [n for n in self.specs if name in self.above(n)]

    def env(self, name: str) -> dict[str, str]:
        spec = self.specs[name]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BDCDJ_", "DATABASE_URL"))}
        env.update(
            {
                "BDCDJ_ENV": self.env_name,
                "BDCDJ_NODE_ROLE": spec.role,
                "BDCDJ_REGION_CODE": spec.region,
                "BDCDJ_VAR_DIR": str(self.dir(name)),
                "BDCDJ_NODE_SM2_KEY": self.private_key(name),
                "DATABASE_URL": f"sqlite:///{self.db_path(name)}",
                "DJANGO_SETTINGS_MODULE": "bdcdj.settings",
                "PYTHONPATH": str(ROOT),
                "BDCDJ_UPSTREAM_URL": self.url(spec.upstream) if spec.upstream else "",
            }
        )
        env.update(dict(spec.env_extra))
        token = self.token_path(name)
        if token.exists():
            env["BDCDJ_NODE_TOKEN"] = token.read_text().strip()
        return env

    # -- one-off commands ------------------------------------------------------------------
    def run(self, name: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        """Run `manage.py <args>` (or a script path as first arg) in the node's environment."""
        command = [PYTHON, *args] if args[0].endswith(".py") else [PYTHON, "manage.py", *args]
        return subprocess.run(
            command,
            cwd=ROOT,
            env=self.env(name),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def _check(self, done: subprocess.CompletedProcess[str], what: str) -> str:
        if done.returncode != 0:
            raise RuntimeError(f"{what} 失败：\n{done.stderr[-3000:]}")
        return done.stdout

    def migrate(self) -> None:
        """Migrate one fresh database and copy it to the other new nodes; migrate existing ones."""
        fresh = [n for n in self.specs if not self.db_path(n).exists()]
        existing = [n for n in self.specs if n not in fresh]
        if fresh:
            first = fresh[0]
            self._check(self.run(first, "migrate", "--noinput", "-v0"), f"{first} 迁移")
            for name in fresh[1:]:
                shutil.copyfile(self.db_path(first), self.db_path(name))
        self._parallel(existing, lambda n: ("migrate", "--noinput", "-v0"), "迁移")

    def _parallel(self, names: list[str], args_for: Callable[[str], Sequence[str]], what: str) -> None:
        procs = {}
        for name in names:
            args = args_for(name)
            command = [PYTHON, *args] if args[0].endswith(".py") else [PYTHON, "manage.py", *args]
            procs[name] = subprocess.Popen(
                command, cwd=ROOT, env=self.env(name), stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        for name, proc in procs.items():
            _out, err = proc.communicate(timeout=900)
            if proc.returncode != 0:
                raise RuntimeError(f"{name} {what}失败：\n{err.decode(errors='replace')[-3000:]}")

    def register(self, *, at: str, node: str, keep_token: bool) -> None:
        """`node_register` of `node` at `at`; the token is kept when `at` is its direct upstream."""
        spec = self.specs[node]
        done = self.run(
            at,
            "node_register",
            "--region",
            spec.region,
            "--name",
            spec.title,
            "--public-key",
            self.public_key(node),
            "--role",
            spec.role,
        )
        if done.returncode == 0:
            if keep_token:
                path = self.token_path(node)
                path.touch(mode=0o600)
                path.write_text(done.stdout.strip() + "\n")
            return
        if "已登记" not in done.stderr:
            raise RuntimeError(f"在 {at} 登记 {node} 失败：{done.stderr[-2000:]}")
        if keep_token and not self.token_path(node).exists():
            raise RuntimeError(
                f"{node} 已在 {at} 登记但令牌文件缺失；删除 {self.base} 后重新运行以重建演示网络"
            )

    def wire(self) -> None:
        for name in self.specs:
            for distance, upper in enumerate(self.above(name)):
                self.register(at=upper, node=name, keep_token=distance == 0)

    def setup(self, *, collectstatic: bool = False) -> None:
        def args_for(name: str) -> tuple[str, ...]:
            spec = self.specs[name]
            regions = ",".join(self.specs[n].region for n in self.below(name))
            return (
                "scripts/node_tasks.py",
                "setup",
                "--title",
                spec.title,
                "--demo",
                spec.demo,
                "--regions",
                regions,
            )

        self._parallel(list(self.specs), args_for, "初始化")
        if collectstatic:
            self._parallel(list(self.specs), lambda n: ("collectstatic", "--noinput", "-v0"), "收集静态文件")

    def prepare(self, *, collectstatic: bool = False) -> None:
        self.migrate()
        self.wire()
        self.setup(collectstatic=collectstatic)

    # -- processes -------------------------------------------------------------------------
    def spawn(self, key: str, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        """Start a child in its own process group, output appended to <node>/<key>.log."""
        log = (self.dir(name) / f"{key.split(':')[0]}.log").open("ab")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env(name),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.children[key] = process
        return process

    def serve(self, name: str, *, workers: int = 2) -> subprocess.Popen[bytes]:
        port = str(self.specs[name].port)
        command = [PYTHON, "manage.py", "serve", "--host", HOST, "--port", port, "--workers", str(workers)]
        return self.spawn(f"serve:{name}", name, command)

    def web(self, name: str, *, workers: int = 2) -> subprocess.Popen[bytes]:
        bind = f"{HOST}:{self.specs[name].port}"
        command = [PYTHON, "-m", "gunicorn", "bdcdj.wsgi", "--bind", bind, "--workers", str(workers)]
        return self.spawn(f"web:{name}", name, [*command, "--timeout", "60", "--access-logfile", "-"])

    def relay(
        self, name: str, *, interval: float = 0.3, lease: float = 3, backoff: float = 0.5
    ) -> subprocess.Popen[bytes]:
        command = [PYTHON, "scripts/node_tasks.py", "relay", "--interval", str(interval)]
        command += ["--lease", str(lease), "--backoff", str(backoff)]
        return self.spawn(f"relay:{name}", name, command)

    def wait_ready(self, name: str, *, key: str = "", seconds: float = READY_SECONDS) -> None:
        process = self.children.get(key or f"serve:{name}")
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"{name} 进程已退出（返回码 {process.returncode}），见 {self.dir(name)}")
            try:
                with urllib.request.urlopen(f"{self.url(name)}/api/openapi.json", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise RuntimeError(f"{name} 在 {seconds:.0f} 秒内未就绪")

    def kill(self, key: str, sig: int = signal.SIGKILL) -> None:
        process = self.children.pop(key, None)
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):  # stragglers of the group
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM every child process group (newest first), SIGKILL what is left after 20 s."""
        for key in reversed(list(self.children)):
            self.kill(key, signal.SIGTERM)


def _print_summary(net: Network) -> None:
    print("\n多节点演示已启动（Ctrl+C 停止全部节点）：")
    for name, spec in net.specs.items():
        upper = f" → {net.specs[spec.upstream].title}" if spec.upstream else ""
        print(f"  {spec.title:<4} {spec.region} {spec.role:<8} {net.url(name)}/{upper}")
    print(f"\n登录：admin / {PASSWORD}（每个节点都有）；长丰县另有 clerk、reviewer、registrar 等演示账号。")
    print("接收的报文：各上级节点 /hub/messages/；长丰县上报：/exchange/outbox/。")
    print("同一主机不同端口共享 Cookie：请为每个节点使用单独的浏览器（隐私）窗口。")
    print(f"日志与数据库：{net.base}/<节点>/")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="启动多节点演示（两县、一市、一省、国家级）")
    parser.add_argument("--base", type=Path, default=ROOT / "var" / "nodes")
    parser.add_argument("--demo-size", choices=["small", "full"], default="full")
    parser.add_argument("--cases", type=int, default=0, help="启动后在长丰县办理 N 件抵押登记并上报")
    args = parser.parse_args(argv)
    specs = [
        NodeSpec(**{**spec.__dict__, "demo": args.demo_size}) if spec.demo else spec for spec in DEMO_NODES
    ]
    net = Network(specs, args.base)
    stopping = False

    def on_signal(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        print("准备数据库、密钥与节点登记……", flush=True)
        net.prepare(collectstatic=True)
        if stopping:
            return 130
        for name in reversed(list(net.specs)):  # upper nodes first: the relays find them up
            net.serve(name)
            net.wait_ready(name)
            if stopping:
                return 130
        if args.cases:
            done = net.run("changfeng", "scripts/node_tasks.py", "register-cases", "--count", str(args.cases))
            print(f"已登簿并进入上报队列：{len(done.stdout.split())} 件")
        _print_summary(net)
        while not stopping:
            for key, child in list(net.children.items()):
                if child.poll() is not None:
                    print(f"子进程 {key} 已退出（返回码 {child.returncode}），停止全部节点", file=sys.stderr)
                    return 1
            time.sleep(0.5)
        return 0
    finally:
        net.stop()
        print("全部节点已停止。")


if __name__ == "__main__":
    raise SystemExit(main())
