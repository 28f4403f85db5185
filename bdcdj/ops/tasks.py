"""A probe task: proves end to end that a worker takes tasks from the queue and can write."""

from django_tasks import task

from bdcdj.ops.services.heartbeat import heartbeat_beat


@task()
def ops_probe(*, name: str) -> str:
    heartbeat_beat(name=name)
    return name
