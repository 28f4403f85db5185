"""The simulator's own SQLite database of fictional department records, seeded
deterministically: the demo county's parties (see `population`) plus extra people with deaths,
marriages and births, companies, financial licences, place names, notarial deeds, contract
filings and court orders for tests and demos."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import sqlite3
from pathlib import Path
from typing import Any

from bdcdj.demo.people import fake_id_number, fake_name, id_check_digit
from bdcdj.sharing.simulator.population import Population

REGION = "340121"
SCHEMA = """
CREATE TABLE IF NOT EXISTS person (id_number TEXT PRIMARY KEY, name TEXT NOT NULL,
    marital_status TEXT NOT NULL DEFAULT 'unmarried', spouse_id TEXT NOT NULL DEFAULT '',
    married_on TEXT NOT NULL DEFAULT '', photo_sha3 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS death (id_number TEXT PRIMARY KEY, died_on TEXT NOT NULL,
    certificate_no TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS birth (id_number TEXT PRIMARY KEY, name TEXT NOT NULL, born_on TEXT NOT NULL,
    mother_id TEXT NOT NULL, certificate_no TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS company (credit_code TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS licence (licence_no TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS place_name (name TEXT PRIMARY KEY, code TEXT NOT NULL, status TEXT NOT NULL,
    current_name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deed (deed_no TEXT PRIMARY KEY, office TEXT NOT NULL, matter TEXT NOT NULL,
    issued_on TEXT NOT NULL, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contract (contract_no TEXT PRIMARY KEY, unit_code TEXT NOT NULL,
    price TEXT NOT NULL, status TEXT NOT NULL, filed_on TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tax (case_number TEXT NOT NULL, unit_code TEXT NOT NULL, status TEXT NOT NULL,
    amount TEXT NOT NULL, PRIMARY KEY (case_number, unit_code));
CREATE TABLE IF NOT EXISTS court_order (order_no TEXT PRIMARY KEY, kind TEXT NOT NULL, court TEXT NOT NULL,
    document_number TEXT NOT NULL, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nonce (department TEXT NOT NULL, nonce TEXT NOT NULL, seen_at REAL NOT NULL,
    PRIMARY KEY (department, nonce));
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
TABLES = {
    "person": ("id_number", "name", "marital_status", "spouse_id", "married_on", "photo_sha3"),
    "death": ("id_number", "died_on", "certificate_no"),
    "birth": ("id_number", "name", "born_on", "mother_id", "certificate_no"),
    "company": ("credit_code", "name", "status"),
    "licence": ("licence_no", "name", "status"),
    "place_name": ("name", "code", "status", "current_name"),
    "deed": ("deed_no", "office", "matter", "issued_on", "status"),
    "contract": ("contract_no", "unit_code", "price", "status", "filed_on"),
    "tax": ("case_number", "unit_code", "status", "amount"),
    "court_order": ("order_no", "kind", "court", "document_number", "payload"),
}
BANK_LICENCES = (
    ("B0001B234010001", "示例银行股份有限公司长丰支行"),
    ("B0002S234010002", "示范农村商业银行股份有限公司"),
    ("B0003B234010003", "样例建设银行长丰县支行"),
)
PLACE_NAMES = (
    ("双凤大道", "340121-D-001"),
    ("水湖路", "340121-D-002"),
    ("岗集路", "340121-D-003"),
    ("蒙城北路", "340121-D-004"),
    ("阜阳北路", "340121-D-005"),
    ("淮南北路", "340121-D-006"),
    ("北城大道", "340121-D-007"),
    ("双凤苑", "340121-Q-001"),
    ("水湖花园", "340121-Q-002"),
    ("岗集家园", "340121-Q-003"),
)


def face_digest(image: bytes) -> str:
    """SHA3-256 of a face image, the form in which the simulated 公安 keeps its photos."""
    return hashlib.sha3_256(image).hexdigest()


def fictional_photo(id_number: str) -> bytes:
    """The simulator's stand-in for a person's registered photo (documented for tests)."""
    return f"face:{id_number}".encode()


def connect(path: str | Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    return conn


def insert(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    columns = TABLES[table]
    values = [str(row.get(column, "")) for column in columns]
    marks = ",".join("?" * len(columns))
    conn.execute(f"INSERT OR REPLACE INTO {table} ({','.join(columns)}) VALUES ({marks})", values)


def _person(conn: sqlite3.Connection, id_number: str, name: str) -> None:
    insert(
        conn,
        "person",
        {
            "id_number": id_number,
            "name": name,
            "marital_status": "unmarried",
            "photo_sha3": face_digest(fictional_photo(id_number)),
        },
    )


def _marry(conn: sqlite3.Connection, a: str, b: str, on: str) -> None:
    conn.execute(
        "UPDATE person SET marital_status='married', spouse_id=?, married_on=? WHERE id_number=?", (b, on, a)
    )
    conn.execute(
        "UPDATE person SET marital_status='married', spouse_id=?, married_on=? WHERE id_number=?", (a, on, b)
    )


def seed(conn: sqlite3.Connection, population: Population) -> dict[str, int]:
    """Fill an empty database; the same population always gives the same rows."""
    conn.executescript(SCHEMA)
    if conn.execute("SELECT value FROM meta WHERE key='seeded'").fetchone():
        return counts(conn)
    rng = random.Random("bdcdj-sharing-simulator")
    conn.execute("BEGIN")
    for id_number, name in sorted(population.people.items()):
        _person(conn, id_number, name)
    for n, (a, b) in enumerate(population.couples):
        _marry(conn, a, b, (dt.date(2008, 1, 1) + dt.timedelta(days=37 * n)).isoformat())
    for code, name in sorted(population.companies.items()):
        insert(conn, "company", {"credit_code": code, "name": name, "status": "active"})
    for licence_no, name in BANK_LICENCES:
        insert(conn, "licence", {"licence_no": licence_no, "name": name, "status": "valid"})
    insert(
        conn,
        "licence",
        {"licence_no": "B0099X234019999", "name": "示例已撤销小额贷款有限公司", "status": "revoked"},
    )
    # People only the departments know: deceased, married among themselves, newborns.
    extra = [(fake_id_number(rng, region_code=REGION), fake_name(rng)) for _ in range(24)]
    for id_number, name in extra:
        if id_number not in population.people:
            _person(conn, id_number, name)
    for n, (id_number, _name) in enumerate(extra[:8]):
        died = dt.date(2020, 1, 15) + dt.timedelta(days=91 * n)
        insert(
            conn,
            "death",
            {
                "id_number": id_number,
                "died_on": died.isoformat(),
                "certificate_no": f"SW{REGION}{died.year}{n + 1:05d}",
            },
        )
    for n in range(8, 16, 2):
        _marry(conn, extra[n][0], extra[n + 1][0], dt.date(2012 + n, 5, 20).isoformat())
    for n, (mother, _name) in enumerate(extra[16:20]):
        born = dt.date(2021, 3, 1) + dt.timedelta(days=123 * n)
        child = fake_id_number(random.Random(f"birth-{n}"), region_code=REGION)
        child = child[:6] + f"{born:%Y%m%d}" + child[14:17]
        child += id_check_digit(child)
        name = fake_name(rng)
        _person(conn, child, name)
        insert(
            conn,
            "birth",
            {
                "id_number": child,
                "name": name,
                "born_on": born.isoformat(),
                "mother_id": mother,
                "certificate_no": f"CS{REGION}{born.year}{n + 1:05d}",
            },
        )
    for name, code in PLACE_NAMES:
        insert(conn, "place_name", {"name": name, "code": code, "status": "standard", "current_name": name})
    insert(
        conn,
        "place_name",
        {"name": "长丰县老街", "code": "340121-D-090", "status": "renamed", "current_name": "双凤大道"},
    )
    for n in range(1, 21):
        issued = dt.date(2023, 1, 10) + dt.timedelta(days=17 * n)
        insert(
            conn,
            "deed",
            {
                "deed_no": f"GZ{REGION}-{issued.year}-{n:04d}",
                "office": "长丰县公证处",
                "matter": ("继承权公证", "赠与合同公证", "委托书公证")[n % 3],
                "issued_on": issued.isoformat(),
                "status": "revoked" if n in {7, 14} else "valid",
            },
        )
    for n in range(1, 31):
        filed = dt.date(2024, 2, 1) + dt.timedelta(days=9 * n)
        insert(
            conn,
            "contract",
            {
                "contract_no": f"HT{REGION}{filed.year}{n:06d}",
                "unit_code": "",
                "price": str(rng.randrange(600_000, 2_400_000)),
                "status": "cancelled" if n == 13 else "filed",
                "filed_on": filed.isoformat(),
            },
        )
    for n, (court, document) in enumerate(population.seizures, start=1):
        insert(
            conn,
            "court_order",
            {
                "order_no": f"FY{REGION}-DEMO-{n:04d}",
                "kind": "seize",
                "court": court,
                "document_number": document,
                "payload": json.dumps({"unit_codes": []}),
            },
        )
    conn.execute("INSERT INTO meta (key, value) VALUES ('seeded', ?)", (dt.datetime.now(dt.UTC).isoformat(),))
    conn.execute("COMMIT")
    return counts(conn)


def is_seeded(conn: sqlite3.Connection) -> bool:
    conn.executescript(SCHEMA)
    return conn.execute("SELECT value FROM meta WHERE key='seeded'").fetchone() is not None


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in TABLES}
