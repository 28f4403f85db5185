"""Background tasks (django-tasks, run by `manage.py db_worker`). `manage.py scheduler`
enqueues `supervision_run_all` hourly (bdcdj/core/schedule.py, docs/supervision.md)."""

from __future__ import annotations

from django_tasks import task

from bdcdj.supervision.services import rules_run


@task()
def supervision_run_all() -> dict[str, int]:
    """Evaluate every enabled rule for every district."""
    result = rules_run()
    return {"evaluated": result.evaluated, "hits": result.hits, "created": result.created}


@task()
def supervision_run_case(region_code: str, case_id: int, codes: list[str]) -> int:
    """Event-time evaluation of the cheap rules for one case (after its 审核 or 登簿 commits)."""
    return rules_run(region_codes=[region_code], codes=codes, case_id=case_id).created
