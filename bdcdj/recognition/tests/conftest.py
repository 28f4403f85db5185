"""Fixtures of the recognition tests: the case engine's districts, staff and isolated media,
plus helpers that put generated documents on a case as its materials."""

import random
from typing import Any

import pytest

from bdcdj.cases.models import Case, WorkflowDefinition
from bdcdj.cases.services import case_material_add, workflow_publish
from bdcdj.cases.services.workflows import AUTO_KINDS, DEFINITION_KEYS
from bdcdj.cases.tests.conftest import _isolated, admin_user, districts, make_user, outsider, staff
from bdcdj.cases.tests.helpers import PDF, REGION
from bdcdj.recognition import synthetic

__all__ = ["_isolated", "admin_user", "districts", "make_user", "outsider", "staff"]


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20261203)


def add_document(
    case: Case, by: Any, checklist_code: str, content: bytes, content_type: str = "application/pdf"
):
    entry = case.workflow.material(checklist_code)
    return case_material_add(
        case=case,
        checklist_code=checklist_code,
        content=content,
        content_type=content_type,
        form=entry["form"],
        pages=entry["pages"],
        by=by,
    )


def add_other_materials(case: Case, by: Any, skip: set[str]) -> None:
    for entry in case.workflow.materials:
        if entry["required"] and entry["code"] not in skip:
            add_document(case, by, entry["code"], PDF)


def pdf_of(kind: str, rng: random.Random, **truth: str) -> bytes:
    return synthetic.render_pdf(synthetic.make_document(kind, rng, **truth))


def make_auto(business_type: str, by: Any) -> WorkflowDefinition:
    current = WorkflowDefinition.objects.get(region_code=REGION, business_type=business_type, is_active=True)
    definition = {key: getattr(current, key) for key in DEFINITION_KEYS}
    definition["steps"] = [{**s, "auto": True} if s["kind"] in AUTO_KINDS else s for s in current.steps]
    return workflow_publish(region_code=REGION, business_type=business_type, definition=definition, by=by)
