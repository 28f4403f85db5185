"""Write paths of precise query: national (tasks, delivery, results) and county (inbox, A/B posts)."""

from bdcdj.precise.services.common import nonces_prune
from bdcdj.precise.services.county import (
    result_prepare,
    result_return,
    result_send,
    results_deliver,
    task_receive,
    tasks_pull,
)
from bdcdj.precise.services.national import (
    DEFAULT_DEADLINE_DAYS,
    MAX_DEADLINE_DAYS,
    deliver_due,
    endpoint_register,
    pull_answer,
    result_receive,
    task_create,
)

__all__ = [
    "DEFAULT_DEADLINE_DAYS",
    "MAX_DEADLINE_DAYS",
    "deliver_due",
    "endpoint_register",
    "nonces_prune",
    "pull_answer",
    "result_prepare",
    "result_receive",
    "result_return",
    "result_send",
    "results_deliver",
    "task_create",
    "task_receive",
    "tasks_pull",
]
