"""Writes of the case engine. Other apps and the console import from here, never from the
submodules. Every service checks the district and the page/role of the step, audits, and
raises typed errors (403 Forbidden, 409 Conflict, 400 InvalidInput) leaving nothing changed."""

from bdcdj.cases.services.acceptance import (
    case_accept,
    case_refuse,
    case_request_correction,
    case_resume,
    case_withdraw,
    missing_materials,
)
from bdcdj.cases.services.building import build_items
from bdcdj.cases.services.intake import case_create, case_group_create, case_material_add
from bdcdj.cases.services.issuance import case_archive, case_certify, case_issue
from bdcdj.cases.services.registration import case_register, case_units_refresh, quality_module
from bdcdj.cases.services.review import case_review
from bdcdj.cases.services.workflows import workflow_ensure_defaults, workflow_publish, workflow_validate

__all__ = [
    "build_items",
    "case_accept",
    "case_archive",
    "case_certify",
    "case_create",
    "case_group_create",
    "case_issue",
    "case_material_add",
    "case_refuse",
    "case_register",
    "case_request_correction",
    "case_resume",
    "case_review",
    "case_units_refresh",
    "case_withdraw",
    "missing_materials",
    "quality_module",
    "workflow_ensure_defaults",
    "workflow_publish",
    "workflow_validate",
]
