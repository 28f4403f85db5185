"""The rule catalogue and the table spec, loaded and validated once per process at import.

`CATALOGUE` is every rule in file order (the order findings are reported in), `TABLES` the
table spec. A malformed file raises CatalogueError at import, i.e. when Django starts.
"""

from pathlib import Path

from bdcdj.quality.rules.catalogue import Override, Rule, parse_catalogue
from bdcdj.quality.rules.tables import CatalogueError, FieldSpec, TableSpec, load_tables, parse_tables

HERE = Path(__file__).resolve().parent
CATALOGUE_PATH = HERE / "catalogue.yaml"
TABLES_PATH = HERE / "tables.csv"

TABLES: dict[str, TableSpec] = load_tables(TABLES_PATH)
CATALOGUE: tuple[Rule, ...] = parse_catalogue(CATALOGUE_PATH.read_text(encoding="utf-8"), tables=TABLES)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in CATALOGUE}

__all__ = [
    "CATALOGUE",
    "RULES_BY_ID",
    "TABLES",
    "CatalogueError",
    "FieldSpec",
    "Override",
    "Rule",
    "TableSpec",
    "parse_catalogue",
    "parse_tables",
]
