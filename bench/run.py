"""Run benchmarks and write one JSON file per benchmark to bench/results/.

Usage: python -m bench.run [NAME ...] [--scale N]
Benchmarks are modules bench/bench_<name>.py exposing `run(*, scale: float) -> dict`.
They run against PostgreSQL (BENCH_DATABASE_URL, default a local `bdcdj_bench` database,
created if missing); figures are measured, never asserted.
"""

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bdcdj_bench"
# Benchmarks that run in a database of their own when named alone (they create and drop bulk data).
OWN_DATABASES = {
    "stock": "postgres://postgres@127.0.0.1:5432/bdcdj_bench_stock",
    "national": "postgres://postgres@127.0.0.1:5432/bdcdj_bench_national",
    "ledger": "postgres://postgres@127.0.0.1:5432/bdcdj_bench_ledger",
    "stats": "postgres://postgres@127.0.0.1:5432/bdcdj_bench_stats",
}


def _ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    name = url.rsplit("/", 1)[1]
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-tAc",
            f"select 1 from pg_database where datname='{name}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)


def _machine() -> dict[str, object]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full data size")
    args = parser.parse_args()

    own = OWN_DATABASES.get(args.names[0], DEFAULT_URL) if len(args.names) == 1 else DEFAULT_URL
    url = os.environ.get("BENCH_DATABASE_URL", own)
    _ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bdcdj.settings")
    os.environ.setdefault("BDCDJ_ENV", "development")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    names = args.names or sorted(p.stem.removeprefix("bench_") for p in ROOT.glob("bench_*.py"))
    RESULTS.mkdir(exist_ok=True)
    failed = 0
    for name in names:
        module = importlib.import_module(f"bench.bench_{name}")
        print(f"== {name}", flush=True)
        started = dt.datetime.now(dt.UTC)
        try:
            figures = module.run(scale=args.scale)
        except Exception as exc:  # a failed benchmark is reported, the others still run
            import traceback

            traceback.print_exc()
            print(f"   failed: {exc!r}", file=sys.stderr)
            failed += 1
            continue
        result = {
            "benchmark": name,
            "started_at": started.isoformat(),
            "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 2),
            "scale": args.scale,
            "machine": _machine(),
            "figures": figures,
        }
        out = RESULTS / f"{name}.json"
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        print(json.dumps(figures, ensure_ascii=False, indent=2), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
