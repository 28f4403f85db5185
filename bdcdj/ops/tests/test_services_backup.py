"""Restore drill: register data, back up, restore into a fresh database, and compare the
register's hash-chain heads before and after (and verify the restored chain end to end)."""

import json
import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from bdcdj.core.errors import Conflict
from bdcdj.ops.services.backup import backup_check, backup_create, manifest_path
from bdcdj.register.models import ChainHead, RegisterEvent

ROOT = Path(settings.BASE_DIR)


def heads() -> dict[str, dict]:
    return {h.region_code: {"seq": h.seq, "hash": h.hash} for h in ChainHead.objects.order_by("region_code")}


def verify_chain_at(database_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"DATABASE_URL": database_url, "BDCDJ_ENV": "test"})
    return subprocess.run(
        [sys.executable, "manage.py", "verify_register_chain"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_restores_into_a_fresh_file_with_the_same_chain_heads(chain, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite 演练（PostgreSQL 见下一项）")
    before = heads()
    assert before["340121"]["seq"] == RegisterEvent.objects.count() >= 1
    out = StringIO()
    call_command("backup", "--out", str(tmp_path / "backups"), stdout=out)
    [data] = sorted((tmp_path / "backups").glob("*.sqlite3"))
    manifest = json.loads(manifest_path(data).read_text())
    assert manifest["engine"] == "sqlite" and manifest["chain_heads"] == before
    assert manifest["counts"]["register_registerevent"] == RegisterEvent.objects.count()

    target = tmp_path / "restored" / "bdcdj.sqlite3"
    out = StringIO()
    call_command("restore", "--from", str(data), "--to", f"sqlite:///{target}", stdout=out)
    assert "链头与备份清单一致" in out.getvalue()
    with sqlite3.connect(target) as conn:
        after = {
            r: {"seq": s, "hash": h}
            for r, s, h in conn.execute("SELECT region_code, seq, hash FROM register_chainhead")
        }
    assert after == before
    done = verify_chain_at(f"sqlite:///{target}")
    assert done.returncode == 0, done.stderr[-1500:]
    assert f"链校验通过 {before['340121']['seq']} 条" in done.stdout

    with pytest.raises(CommandError, match="已存在，拒绝覆盖"):
        call_command("restore", "--from", str(data), "--to", f"sqlite:///{target}")


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_or_forged_manifest_is_refused_before_anything_is_written(chain, tmp_path):
    data = backup_create(out_dir=tmp_path)
    manifest = json.loads(manifest_path(data).read_text())
    manifest["chain_heads"]["340121"]["seq"] += 1
    manifest_path(data).write_text(json.dumps(manifest))
    with pytest.raises(Conflict, match="签名无效"):
        backup_check(path=data)
    data = backup_create(out_dir=tmp_path / "b")
    with data.open("r+b") as handle:
        handle.seek(200)
        handle.write(b"\xff\xff\xff\xff")
    target = tmp_path / "never.sqlite3"
    with pytest.raises(CommandError, match="SM3 与清单不符"):
        call_command("restore", "--from", str(data), "--to", f"sqlite:///{target}")
    assert not target.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_restores_into_an_empty_database_with_the_same_chain_heads(chain, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL（设置 DATABASE_URL=postgres://…）")
    import psycopg

    params = connection.settings_dict
    server = {
        "host": params["HOST"],
        "port": params["PORT"] or 5432,
        "user": params["USER"],
        "dbname": "postgres",
    }
    if params.get("PASSWORD"):
        server["password"] = params["PASSWORD"]
    fresh = f"{params['NAME']}_restore"
    assert fresh.startswith("test_")  # a database of this test run only
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        before = heads()
        data = backup_create(out_dir=tmp_path)
        assert data.suffix == ".dump" and data.read_bytes()[:5] == b"PGDMP"
        auth = f"{params['USER']}:{params['PASSWORD']}@" if params.get("PASSWORD") else f"{params['USER']}@"
        url = f"postgres://{auth}{params['HOST']}:{params['PORT'] or 5432}/{fresh}"
        out = StringIO()
        call_command("restore", "--from", str(data), "--to", url, stdout=out)
        assert "链头与备份清单一致" in out.getvalue()
        with psycopg.connect(**{**server, "dbname": fresh}) as conn:
            rows = conn.execute("SELECT region_code, seq, hash FROM register_chainhead").fetchall()
        assert {r: {"seq": s, "hash": h} for r, s, h in rows} == before
        done = verify_chain_at(url)
        assert done.returncode == 0, done.stderr[-1500:]
        with pytest.raises(CommandError, match="不是空库"):
            call_command("restore", "--from", str(data), "--to", url)
    finally:
        with psycopg.connect(**server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
