"""Background delivery (django-tasks, run by the `db_worker` that `manage.py serve` starts).

Enqueued after the commit of a new task (national) or of a sent result (county); retries of
what is still due are picked up by the next run or by `manage.py precise_sync` from cron.
"""

from __future__ import annotations

from django_tasks import task

from bdcdj.precise.services import deliver_due, results_deliver


@task()
def precise_deliver() -> dict[str, int]:
    report = deliver_due()
    return {"delivered": len(report.delivered), "retried": len(report.retried)}


@task()
def precise_results_send() -> dict[str, int]:
    report = results_deliver()
    return {"acknowledged": len(report.acknowledged), "retried": len(report.retried)}
