"""Background task (django-tasks, run by `manage.py db_worker`): publish a signed tree head.
`manage.py scheduler` enqueues it every BDCDJ_LEDGER_PUBLISH_SECONDS (bdcdj/core/schedule.py)."""

from __future__ import annotations

from django_tasks import task

from bdcdj.ledger.services import tree_head_publish


@task()
def ledger_publish_head(force: bool = False) -> dict[str, object]:
    head = tree_head_publish(force=force)
    if head is None:
        return {"published": False}
    return {"published": True, "tree_size": head.tree_size, "root_hash": head.root_hash}
