"""Readiness: can this node do its work right now? Each check answers ok + a short detail."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import DatabaseError
from django.utils import timezone

from bdcdj.ops.errors import storage_full_recent

_migrated: set[str] = set()  # aliases known fully migrated; migrations are never unapplied live


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Check(False, f"数据库不可用：{type(exc).__name__}")
    return Check(True, connections[DEFAULT_DB_ALIAS].vendor)


def check_migrations() -> Check:
    if DEFAULT_DB_ALIAS in _migrated:
        return Check(True, "已全部应用")
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return Check(False, f"无法读取迁移状态：{type(exc).__name__}")
    if plan:
        return Check(False, f"有 {len(plan)} 个迁移未应用")
    _migrated.add(DEFAULT_DB_ALIAS)
    return Check(True, "已全部应用")


def required_heartbeats() -> list[str]:
    names = list(getattr(settings, "BDCDJ_READY_HEARTBEATS", ["worker"]))
    return [n for n in names if n]


def check_heartbeats(*, now: dt.datetime | None = None) -> Check:
    from bdcdj.ops.models import Heartbeat

    now = now or timezone.now()
    limit = dt.timedelta(seconds=settings.BDCDJ_READY_HEARTBEAT_MAX_AGE)
    try:
        beats = {b.name: b.beat_at for b in Heartbeat.objects.filter(name__in=required_heartbeats())}
    except DatabaseError as exc:
        return Check(False, f"无法读取心跳：{type(exc).__name__}")
    problems = []
    for name in required_heartbeats():
        at = beats.get(name)
        if at is None:
            problems.append(f"{name} 无心跳")
        elif now - at > limit:
            problems.append(f"{name} 心跳已停止 {int((now - at).total_seconds())} 秒")
    return Check(not problems, "；".join(problems) or "正常")


def check_var_dir() -> Check:
    var = Path(settings.VAR_DIR)
    try:
        probe = var / f".ready-{uuid.uuid4().hex}"
        probe.write_bytes(b"ok")
        probe.unlink()
        free = shutil.disk_usage(var).free
    except OSError as exc:
        return Check(False, f"数据目录不可写：{exc.strerror or type(exc).__name__}")
    minimum = settings.BDCDJ_READY_MIN_FREE_MB * 1024 * 1024
    if free < minimum:
        return Check(
            False, f"剩余空间 {free // (1024 * 1024)} MB，低于 {settings.BDCDJ_READY_MIN_FREE_MB} MB"
        )
    recent = storage_full_recent()
    if recent is not None:
        return Check(False, f"{int(recent)} 秒前写入文件时存储空间不足")
    return Check(True, f"剩余 {free // (1024 * 1024)} MB")


def readiness() -> dict[str, Check]:
    checks = {"database": check_database()}
    if checks["database"].ok:
        checks["migrations"] = check_migrations()
        checks["heartbeats"] = check_heartbeats()
    checks["var_dir"] = check_var_dir()
    return checks
