"""Backup and restore of the node's database with a signed manifest.

A backup is one file — PostgreSQL: `pg_dump -Fc` taken from an exported snapshot; SQLite: the
online backup API — plus `<file>.manifest.json`: SM3 and size of the file, the register's
hash-chain head per region, row counts of the main tables and the number of applied
migrations, all read from the same snapshot as the dump, signed with the node's SM2 key.

Restore verifies the manifest and the file's SM3 first, refuses a target database that is not
empty, restores (pg_restore / SQLite page copy) and then reads the chain heads and counts back
from the restored database: a restore that does not reproduce them is reported as failed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bdcdj.core.errors import Conflict, InvalidInput
from bdcdj.exchange import signing
from bdcdj.ops.errors import StorageFull, storage_full_note
from bdcdj.ops.services.manifests import canonical, file_sm3, manifest_path
from bdcdj.ops.storage import FULL_ERRNOS

FORMAT = "bdcdj-backup/1"
COUNTED_TABLES = (
    "register_registerevent",
    "register_right",
    "register_unit",
    "register_party",
    "cases_case",
    "exchange_outboxmessage",
    "accounts_auditlog",
    "accounts_user",
)


def db_state(cursor: Any) -> dict[str, Any]:
    """Chain heads, counts and migrations as seen by a DB-API cursor (any engine)."""
    cursor.execute("SELECT region_code, seq, hash FROM register_chainhead ORDER BY region_code")
    heads = {str(r): {"seq": int(s), "hash": str(h)} for r, s, h in cursor.fetchall()}
    counts = {}
    for table in COUNTED_TABLES:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = int(cursor.fetchone()[0])
    cursor.execute("SELECT count(*) FROM django_migrations")
    return {"chain_heads": heads, "counts": counts, "migrations": int(cursor.fetchone()[0])}


def _pg_env(params: dict[str, Any]) -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore: the password never appears on a command line."""
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if params.get(key):
            env[var] = str(params[key])
    env["PGDATABASE"] = str(params["NAME"])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=6 * 3600)
    if done.returncode != 0:
        if "No space left" in done.stderr:
            storage_full_note(where="backup")
            raise StorageFull()
        raise Conflict(code="tool_failed", message=f"{command[0]} 执行失败：{done.stderr.strip()[-500:]}")


def _sign_and_write(data_file: Path, engine: str, state: dict[str, Any]) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "engine": engine,
        "file": data_file.name,
        "size": data_file.stat().st_size,
        "sm3": file_sm3(data_file),
        "created_at": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        "node_region": settings.BDCDJ_REGION_CODE,
        **state,
        "public_key": signing.node_public_key_hex(),
    }
    manifest["signature"] = signing.sign(canonical(manifest))
    manifest_path(data_file).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def backup_create(*, out_dir: Path) -> Path:
    """Back up the default database into `out_dir`; returns the data file (manifest beside it)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    base = f"bdcdj-{settings.BDCDJ_REGION_CODE}-{stamp}"
    try:
        if connection.vendor == "postgresql":
            target = out_dir / f"{base}.dump"
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                state = db_state(cursor)
                env = _pg_env(connection.settings_dict)
                _run(["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(target)], env)
            return _finish(target, "postgresql", state)
        if connection.vendor != "sqlite":
            raise InvalidInput(code="engine_unsupported", message=f"不支持备份 {connection.vendor} 数据库")
        target = out_dir / f"{base}.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        with sqlite3.connect(target) as copy:
            state = db_state(copy.cursor())
        copy.close()
        return _finish(target, "sqlite", state)
    except OSError as exc:
        if exc.errno in FULL_ERRNOS:
            storage_full_note(where="backup")
            raise StorageFull() from exc
        raise


def _finish(target: Path, engine: str, state: dict[str, Any]) -> Path:
    try:
        _sign_and_write(target, engine, state)
    except BaseException:
        target.unlink(missing_ok=True)
        manifest_path(target).unlink(missing_ok=True)
        raise
    return target


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    restored: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def backup_check(*, path: Path, public_key_hex: str | None = None) -> dict[str, Any]:
    """The manifest of a backup file after checking its signature and the file's SM3."""
    try:
        manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(code="manifest_missing", message="找不到或无法读取备份清单") from exc
    key = public_key_hex or signing.node_public_key_hex()
    if manifest.get("format") != FORMAT or not signing.verify(
        public_key_hex=key, data=canonical(manifest), signature_hex=str(manifest.get("signature", ""))
    ):
        raise Conflict(code="manifest_invalid", message="备份清单签名无效或格式未知")
    if not path.is_file() or file_sm3(path) != manifest.get("sm3"):
        raise Conflict(code="backup_tampered", message="备份文件 SM3 与清单不符（文件损坏或被修改）")
    return dict(manifest)


def _target_params(target_url: str | None) -> dict[str, Any]:
    if target_url:
        return dict(dj_database_url.parse(target_url))
    return dict(settings.DATABASES["default"])


def backup_restore(
    *, path: Path, target_url: str | None = None, public_key_hex: str | None = None
) -> RestoreReport:
    """Restore a checked backup into an empty database (default: the configured one)."""
    manifest = backup_check(path=path, public_key_hex=public_key_hex)
    params = _target_params(target_url)
    engine = (
        "postgresql" if "postgresql" in params["ENGINE"] else "sqlite" if "sqlite" in params["ENGINE"] else ""
    )
    if engine != manifest["engine"]:
        raise InvalidInput(
            code="engine_mismatch", message=f"备份来自 {manifest['engine']}，目标数据库为 {engine or '其他'}"
        )
    if engine == "postgresql":
        restored = _restore_postgres(path, params)
    else:
        restored = _restore_sqlite(path, Path(params["NAME"]))
    report = RestoreReport(manifest=manifest, restored=restored)
    for key in ("chain_heads", "counts", "migrations"):
        if restored.get(key) != manifest.get(key):
            report.problems.append(f"恢复后的 {key} 与备份清单不符")
    return report


def _restore_postgres(path: Path, params: dict[str, Any]) -> dict[str, Any]:
    import psycopg

    conninfo = {
        "dbname": params["NAME"],
        "host": params.get("HOST") or None,
        "port": params.get("PORT") or None,
        "user": params.get("USER") or None,
        "password": params.get("PASSWORD") or None,
    }
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        if tables and tables[0]:
            raise Conflict(
                code="target_not_empty", message="目标数据库不是空库，拒绝覆盖（请新建空库后恢复）"
            )
    _run(
        ["pg_restore", "--no-owner", "--exit-on-error", "-d", str(params["NAME"]), str(path)], _pg_env(params)
    )
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}) as conn, conn.cursor() as cursor:
        return db_state(cursor)


def _restore_sqlite(path: Path, target: Path) -> dict[str, Any]:
    if str(target) == ":memory:" or "mode=memory" in str(target):
        raise InvalidInput(code="target_invalid", message="不能恢复到内存数据库")
    if target.exists() and target.stat().st_size > 0:
        raise Conflict(code="target_not_empty", message=f"目标数据库文件 {target.name} 已存在，拒绝覆盖")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.restoring")
    try:
        shutil.copyfile(path, tmp)
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.errno in FULL_ERRNOS:
            storage_full_note(where="restore")
            raise StorageFull() from exc
        raise
    with sqlite3.connect(target) as conn:
        state = db_state(conn.cursor())
    conn.close()
    return state
