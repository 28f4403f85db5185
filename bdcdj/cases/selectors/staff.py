"""People and roles the console offers in its pickers: the colleagues a case may be passed to
(转件) and the roles a workflow step may name."""

from __future__ import annotations

from django.db.models import Q

from bdcdj.accounts.models import Role, User
from bdcdj.accounts.selectors import AnyUser, user_can
from bdcdj.cases.models import STEP_PAGES, Case

ASSIGNEES_MAX = 200


def case_assignees(*, user: AnyUser, case: Case) -> list[User]:
    """Active colleagues of the case's district who may take over its current step: the
    step's role (or superuser) and write access to the step's page; the acting user excluded.
    `case_review` checks the same rules again when the case is passed on."""
    step = case.workflow.step(case.step_code)
    page = STEP_PAGES[step["kind"]]
    candidates = (
        User.objects.filter(is_active=True, tenants__region_code=case.region_code)
        .filter(Q(is_superuser=True) | Q(user_roles__role__code=step["role"]))
        .exclude(pk=user.pk or 0)
        .distinct()
        .order_by("username")
    )
    return [u for u in candidates[:ASSIGNEES_MAX] if user_can(user=u, page=page, write=True)]


def workflow_roles() -> list[tuple[str, str]]:
    """(code, name) of every role a workflow step may name."""
    return list(Role.objects.order_by("code").values_list("code", "name"))
