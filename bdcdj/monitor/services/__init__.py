"""Write paths of the monitor: daily log build/send (county), receive/compare (upper node), metrics."""

from bdcdj.monitor.services.daily_log import (
    daily_log_build,
    daily_log_content,
    daily_log_send,
    daily_log_store,
)
from bdcdj.monitor.services.metrics import (
    WEIGHTS,
    dimension_scores,
    metrics_compute,
    metrics_compute_range,
    weighted_score,
)
from bdcdj.monitor.services.receive import LogAnswer, LogCode, LogRefusal, daily_log_receive

__all__ = [
    "WEIGHTS",
    "LogAnswer",
    "LogCode",
    "LogRefusal",
    "daily_log_build",
    "daily_log_content",
    "daily_log_receive",
    "daily_log_send",
    "daily_log_store",
    "dimension_scores",
    "metrics_compute",
    "metrics_compute_range",
    "weighted_score",
]
