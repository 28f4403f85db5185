"""Event-time supervision: when a 登簿 event or an approval (同意) is stored, the rules that
look at that one case are queued for after the commit.

The case engine has no callback registry and supervision must not change its writes, so this
listens to `post_save` of the two record tables; the receiver only queues a background task
(no rule logic here, nothing in the case transaction).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from bdcdj.cases.models import CaseEvent, EventKind, Opinion, OpinionResult


def _queue(region_code: str, case_id: int, codes: list[str]) -> None:
    from bdcdj.supervision.tasks import supervision_run_case

    transaction.on_commit(lambda: supervision_run_case.enqueue(region_code, case_id, codes), robust=True)


def _on_event(sender: type, instance: CaseEvent, created: bool, **kwargs: Any) -> None:
    if created and instance.kind == EventKind.REGISTERED:
        _queue(instance.region_code, instance.case_id, ["register_after_hours"])


def _on_opinion(sender: type, instance: Opinion, created: bool, **kwargs: Any) -> None:
    if created and instance.result == OpinionResult.APPROVE:
        _queue(instance.case.region_code, instance.case_id, ["self_approval"])


def connect() -> None:
    post_save.connect(_on_event, sender=CaseEvent, dispatch_uid="supervision.case_event")
    post_save.connect(_on_opinion, sender=Opinion, dispatch_uid="supervision.opinion")
