"""Reads of the case engine for the console pages and the API.

Every selector takes the acting user first and returns only the user's districts: another
district's case is NotFound, like one that does not exist. Party names and ID numbers are
masked unless the user's role may see personal data, and every clear read is audited.
"""

from bdcdj.cases.selectors.detail import CaseDetail, UnitView, case_actions, case_detail
from bdcdj.cases.selectors.queues import (
    ORDERS,
    PER_PAGE_MAX,
    QUEUES,
    READ_PAGES,
    CasePage,
    business_type_list,
    case_file,
    case_get,
    case_timeline,
    cases_for_queue,
    workflow_current,
    workflows,
)
from bdcdj.cases.selectors.sla import (
    Sla,
    SlaSummary,
    case_sla,
    cases_near_deadline,
    cases_overdue,
    sla_summary,
)
from bdcdj.cases.selectors.staff import case_assignees, workflow_roles

__all__ = [
    "ORDERS",
    "PER_PAGE_MAX",
    "QUEUES",
    "READ_PAGES",
    "CaseDetail",
    "CasePage",
    "Sla",
    "SlaSummary",
    "UnitView",
    "business_type_list",
    "case_actions",
    "case_assignees",
    "case_detail",
    "case_file",
    "case_get",
    "case_sla",
    "case_timeline",
    "cases_for_queue",
    "cases_near_deadline",
    "cases_overdue",
    "sla_summary",
    "workflow_current",
    "workflow_roles",
    "workflows",
]
