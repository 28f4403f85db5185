"""Loading the national dictionaries from `standards/data/` (also `manage.py load_standards`)."""

from django.db import transaction

from bdcdj.standards.loader import LoadReport, load_dictionaries
from bdcdj.standards.selectors import dictionary_cache_clear


@transaction.atomic
def standards_load(*, overwrite: bool = False) -> LoadReport:
    """Create every missing dictionary and item; with `overwrite`, reset edited rows to the CSV."""
    report = load_dictionaries(overwrite=overwrite)
    dictionary_cache_clear()
    transaction.on_commit(dictionary_cache_clear)
    return report
