"""Load the dictionary CSVs into `Dictionary` / `DictionaryItem`, idempotently.

Used by the data migration (with historical models) and by `manage.py load_standards` (through
`services.standards_load`, which adds the transaction and clears the lookup cache). A second run
creates nothing. Without `overwrite`, rows that already exist keep any edits an administrator made
in the admin; with it, names, labels, parents, order and the active flag are reset to the CSV. Items added by
administrators that are not in the CSV are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bdcdj.standards.catalogues import VERSIONS, dictionary_specs


@dataclass
class LoadReport:
    dictionaries_created: int = 0
    dictionaries_updated: int = 0
    items_created: int = 0
    items_updated: int = 0
    versions: list[str] = field(default_factory=lambda: list(VERSIONS))

    @property
    def changed(self) -> bool:
        return bool(
            self.dictionaries_created or self.dictionaries_updated or self.items_created or self.items_updated
        )


def load_dictionaries(
    *, dictionary_model: Any = None, item_model: Any = None, overwrite: bool = False
) -> LoadReport:
    """Create missing dictionaries and items for every version; see the module docstring for edits."""
    if dictionary_model is None or item_model is None:
        from bdcdj.standards.models import Dictionary, DictionaryItem

        dictionary_model, item_model = Dictionary, DictionaryItem
    report = LoadReport()
    existing = {(d.code, d.version): d for d in dictionary_model.objects.all()}
    for spec in dictionary_specs():
        for version in VERSIONS:
            if not spec.applies_to(version):
                continue
            wanted = {"name": spec.name, "source": spec.source, "note": spec.note}
            dictionary = existing.get((spec.code, version))
            if dictionary is None:
                dictionary = dictionary_model.objects.create(code=spec.code, version=version, **wanted)
                report.dictionaries_created += 1
            elif overwrite and any(getattr(dictionary, k) != v for k, v in wanted.items()):
                for key, value in wanted.items():
                    setattr(dictionary, key, value)
                dictionary.save(update_fields=[*wanted, "updated_at"])
                report.dictionaries_updated += 1
            _load_items(dictionary, spec.items_for(version), item_model, overwrite, report)
    return report


def _load_items(dictionary: Any, rows: list, item_model: Any, overwrite: bool, report: LoadReport) -> None:
    current = {item.code: item for item in item_model.objects.filter(dictionary=dictionary)}
    to_create, to_update = [], []
    for index, row in enumerate(rows):
        values = {
            "label": row.label,
            "parent_code": row.parent_code,
            "sort_order": (index + 1) * 10,
            "is_active": True,
        }
        item = current.get(row.code)
        if item is None:
            to_create.append(item_model(dictionary=dictionary, code=row.code, **values))
        elif overwrite and any(getattr(item, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(item, key, value)
            to_update.append(item)
    if to_create:
        item_model.objects.bulk_create(to_create)
        report.items_created += len(to_create)
    if to_update:
        item_model.objects.bulk_update(to_update, ["label", "parent_code", "sort_order", "is_active"])
        report.items_updated += len(to_update)
