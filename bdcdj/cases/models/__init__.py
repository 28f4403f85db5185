"""Tables of the case engine: workflow definitions, cases and what they accumulate."""

from bdcdj.cases.models.cases import Case, CaseGroup, CaseParty, CaseUnit
from bdcdj.cases.models.choices import (
    BEFORE_REGISTER,
    NOTICE_PREFIX,
    OPEN_STAGES,
    PUBLIC_EVENTS,
    STEP_PAGES,
    UNREGISTERED_ROLES,
    CaseRole,
    CaseStatus,
    DocumentKind,
    EventKind,
    FeeMode,
    MaterialForm,
    NoticeKind,
    OpinionResult,
    Stage,
    StepKind,
)
from bdcdj.cases.models.records import CaseCertificate, CaseEvent, Fee, Material, Notice, Opinion
from bdcdj.cases.models.workflows import WorkflowDefinition

__all__ = [
    "BEFORE_REGISTER",
    "NOTICE_PREFIX",
    "OPEN_STAGES",
    "PUBLIC_EVENTS",
    "STEP_PAGES",
    "UNREGISTERED_ROLES",
    "Case",
    "CaseCertificate",
    "CaseEvent",
    "CaseGroup",
    "CaseParty",
    "CaseRole",
    "CaseStatus",
    "CaseUnit",
    "DocumentKind",
    "EventKind",
    "Fee",
    "FeeMode",
    "Material",
    "MaterialForm",
    "Notice",
    "NoticeKind",
    "Opinion",
    "OpinionResult",
    "Stage",
    "StepKind",
    "WorkflowDefinition",
]
