"""Background tasks of the hub (django-tasks, run by `manage.py db_worker`). django-tasks has no
scheduler: enqueue `partitions_ensure_task` once a day from cron or a systemd timer, as the
monitor's tasks (docs/scale.md)."""

from __future__ import annotations

from django_tasks import task

from bdcdj.hub.services.partitions import DEFAULT_MONTHS_AHEAD, partitions_ensure


@task()
def partitions_ensure_task(months_ahead: int = DEFAULT_MONTHS_AHEAD) -> list[str]:
    """Create the coming monthly partitions of the received messages; returns their names."""
    return partitions_ensure(months_ahead=months_ahead)
