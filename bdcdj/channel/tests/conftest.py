"""Fixtures of the channel tests: the district, staff, a bank and a developer with the channel
open and keys issued, and titled houses prepared through the register's writer."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from bdcdj.accounts.models import Organisation, User
from bdcdj.accounts.services import organisation_create, tenant_ensure, user_create
from bdcdj.cases.services import workflow_ensure_defaults
from bdcdj.cases.tests.helpers import (
    BANK,
    DEVELOPER,
    MORTGAGE_DATA,
    OTHER_REGION,
    PASSWORD,
    PDF,
    REGION,
    SELLER,
)
from bdcdj.channel.models import Institution
from bdcdj.channel.services import api_key_issue, institution_register
from bdcdj.standards.selectors import dictionary_cache_clear


@pytest.fixture(autouse=True)
def _isolated(settings: Any, tmp_path: Any) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BDCDJ_CERTS_DIR = tmp_path / "certs"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    dictionary_cache_clear()
    yield
    dictionary_cache_clear()


def make_user(username: str, roles: list[str], regions: tuple[str, ...] = (REGION,)) -> User:
    return user_create(
        username=username,
        password=PASSWORD,
        display_name="测试人员",
        organisation=None,
        roles=roles,
        region_codes=list(regions),
    )


@dataclass
class World:
    registrar: User
    admin: User
    supervisor: User
    bank: Institution
    bank_token: str
    developer: Institution
    developer_token: str


def open_channel(code: str, name: str, kind: str, credit_code: str) -> tuple[Institution, str]:
    organisation = organisation_create(code=code, name=name, kind=kind, region_code=REGION)
    institution = institution_register(organisation=organisation, credit_code=credit_code)
    return institution, api_key_issue(institution=institution, name="测试").token


@pytest.fixture
def world(db: Any) -> World:
    tenant_ensure(region_code=REGION, name="长丰县", province_abbr="皖", parent_code="340100")
    tenant_ensure(region_code=OTHER_REGION, name="肥东县", province_abbr="皖", parent_code="340100")
    workflow_ensure_defaults(region_code=REGION)
    bank, bank_token = open_channel("BANK-T1", BANK.name, Organisation.Kind.BANK, BANK.id_number)
    developer, developer_token = open_channel(
        "DEV-T1", DEVELOPER.name, Organisation.Kind.DEVELOPER, DEVELOPER.id_number
    )
    return World(
        registrar=make_user("t-registrar", ["registrar"]),
        admin=make_user("t-admin", ["admin"]),
        supervisor=make_user("t-supervisor", ["channel_supervisor"]),
        bank=bank,
        bank_token=bank_token,
        developer=developer,
        developer_token=developer_token,
    )


def materials(case_workflow_codes: list[str]) -> list[dict[str, Any]]:
    encoded = base64.b64encode(PDF).decode("ascii")
    return [{"checklist_code": code, "content_base64": encoded} for code in case_workflow_codes]


MORTGAGE_MATERIALS = ["application", "identity", "certificate", "mortgage_contract"]
CANCEL_MATERIALS = ["application", "identity", "proof", "discharge"]
TRANSFER_MATERIALS = ["application", "identity", "certificate", "sale_contract", "tax"]


def mortgage_item(key: str, unit_code: str, **changes: Any) -> dict[str, Any]:
    item = {
        "idempotency_key": key,
        "unit_codes": [unit_code],
        "mortgagors": [{"name": SELLER.name, "id_type": "1", "id_number": SELLER.id_number}],
        "data": dict(MORTGAGE_DATA),
        "materials": materials(MORTGAGE_MATERIALS),
    }
    item.update(changes)
    return item


def api(client: Client, method: str, path: str, token: str | None, body: Any = None) -> Any:
    headers = {"HTTP_X_API_KEY": token} if token is not None else {}
    url = f"/api/channel/v1{path}"
    if method == "GET":
        return client.get(url, **headers)
    return client.post(url, data=body, content_type="application/json", **headers)
