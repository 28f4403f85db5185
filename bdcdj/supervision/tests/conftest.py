"""Fixtures of the supervision tests: two districts, staff of each, and a factory of cases."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from bdcdj.accounts.models import User
from bdcdj.accounts.services import tenant_ensure, user_create
from bdcdj.cases.models import Case, CaseStatus, Stage, WorkflowDefinition
from bdcdj.cases.services import workflow_ensure_defaults
from bdcdj.supervision.tests.factories import OTHER, PASSWORD, REGION

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def districts(db) -> None:
    tenant_ensure(region_code=REGION, name="长丰县", province_abbr="皖", parent_code="340100")
    tenant_ensure(region_code=OTHER, name="肥西县", province_abbr="皖", parent_code="340100")
    workflow_ensure_defaults(region_code=REGION)
    workflow_ensure_defaults(region_code=OTHER)


@pytest.fixture
def make_user(districts) -> Callable[..., User]:
    def make(username: str, *roles: str, region: str = REGION) -> User:
        return user_create(
            username=username,
            password=PASSWORD,
            display_name=f"测试{username}",
            organisation=None,
            roles=list(roles),
            region_codes=[region],
        )

    return make


@pytest.fixture
def clerk(make_user) -> User:
    return make_user("clerk1", "clerk", "reviewer")


@pytest.fixture
def reviewer(make_user) -> User:
    return make_user("reviewer1", "reviewer")


@pytest.fixture
def supervisor(make_user) -> User:
    return make_user("sup1", "supervisor")


@pytest.fixture
def other_supervisor(make_user) -> User:
    return make_user("sup2", "supervisor", region=OTHER)


@pytest.fixture
def make_case(districts, clerk) -> Callable[..., Case]:
    def make(region: str = REGION, business_type: str = "house_transfer_sale", **fields: Any) -> Case:
        workflow = WorkflowDefinition.objects.get(
            region_code=region, business_type=business_type, is_active=True
        )
        values: dict[str, Any] = {
            "status": CaseStatus.RUNNING,
            "stage": Stage.REVIEW,
            "step_code": "review",
            "time_limit_workdays": workflow.time_limit_workdays,
        }
        values.update(fields)
        return Case.objects.create(
            region_code=region,
            number=f"{region}-2026-{next(_serial):06d}",
            business_type=business_type,
            workflow=workflow,
            created_by=clerk,
            **values,
        )

    return make
