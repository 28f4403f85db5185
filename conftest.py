"""Project-wide pytest configuration: database selection comes from DATABASE_URL.

Reference data (dictionaries, default roles, certificate-number templates) is loaded by
migrations. Transactional tests (browser, races) flush every table when they finish, so any
test that uses the database first restores that reference data if it is gone.
"""

import os
from importlib import import_module

import pytest

os.environ.setdefault("BDCDJ_ENV", "test")


def _restore_reference_data() -> None:
    from django.apps import apps

    from bdcdj.accounts.models import Role
    from bdcdj.accounts.pages import apply_default_roles
    from bdcdj.standards.models import Dictionary
    from bdcdj.standards.services import standards_load

    if not Dictionary.objects.exists():
        standards_load()
    if not Role.objects.exists():
        from bdcdj.accounts.models import PagePermission

        apply_default_roles(Role, PagePermission)
    templates = import_module("bdcdj.standards.migrations.0003_demo_certificate_templates")
    templates.create(apps, None)


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is not None:
        transactional = marker.kwargs.get("transaction", False) or bool(marker.args and marker.args[0])
    elif names & {"transactional_db", "live_server"}:
        transactional = True
    elif "db" in names:
        transactional = False
    else:
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    _restore_reference_data()
