import datetime as dt

import pytest
from django.utils import timezone

from bdcdj.accounts.services import tenant_ensure
from bdcdj.hub.models import DeliveryFailure, LowerNode, MessageStatus
from bdcdj.hub.services import node_register
from bdcdj.hub.tests.factories import public_key_hex
from bdcdj.monitor.models import DailyMetric, ReceivedDailyLog
from bdcdj.monitor.selectors import ranking_month
from bdcdj.monitor.services import metrics_compute, metrics_compute_range, weighted_score
from bdcdj.monitor.tests.conftest import received
from bdcdj.quality.models import QualityFinding

DAY = dt.date(2024, 5, 7)  # a Tuesday, a working day


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _finding(biz_msg_id: str) -> None:
    QualityFinding.objects.create(
        region_code="340121",
        rule_id="R001",
        severity="warning",
        stage="ingest",
        subject_type="message",
        subject_ref=biz_msg_id,
        message="测试问题",
    )


@pytest.fixture
def day_data(county_node) -> LowerNode:
    node = county_node.node
    created = _at(DAY, 9)
    # delays: 30 min, 3 h, 2 days (beyond 1 working day); one of them rejected
    first = received(
        node, ywh="M-1", day=DAY, created=created, received_at=created + dt.timedelta(minutes=30)
    )
    received(
        node,
        ywh="M-2",
        day=DAY,
        created=created - dt.timedelta(hours=3) + dt.timedelta(hours=3),
        received_at=_at(DAY, 12),
    )
    received(
        node,
        ywh="M-3",
        day=DAY,
        created=_at(DAY - dt.timedelta(days=2), 11),
        received_at=_at(DAY, 14),
        status=MessageStatus.REJECTED,
    )
    _finding(first.biz_msg_id)
    _finding(first.biz_msg_id)
    for kind in ("signature", "format"):
        DeliveryFailure.objects.create(
            node=node, claimed_region="340121", kind=kind, response_code="1001", at=_at(DAY, 15)
        )
    ReceivedDailyLog.objects.create(
        region_code="340121",
        node=node,
        day=DAY,
        xml=b"<AccessLogs/>",
        digest="0" * 64,
        signature="",
        register_total=4,
        matched=3,
    )
    return node


def test_metrics_of_a_day_are_computed_from_stored_data(day_data):
    metric = metrics_compute(node=day_data, day=DAY)
    assert (metric.deliveries, metric.delivery_failures) == (5, 2)
    assert metric.stability == pytest.approx(0.6)
    assert (metric.registered, metric.received, metric.completeness) == (4, 3, 0.75)
    assert metric.consistency is None
    assert metric.messages == 3
    assert metric.delay_median_seconds == 3 * 3600
    assert metric.within_hour == pytest.approx(1 / 3, abs=1e-4)
    assert metric.within_workday == pytest.approx(2 / 3, abs=1e-4)
    assert metric.findings == 2 and metric.findings_per_message == pytest.approx(0.6667, abs=1e-4)
    assert metric.rejected_share == pytest.approx(0.3333, abs=1e-4)
    assert metric.security_failures == 1  # format errors are not a security failure
    expected = weighted_score(
        {
            "stability": 0.6,
            "completeness": 0.75,
            "consistency": None,
            "timeliness": 0.6667,
            "standardisation": 0.6667,
            "security": 0.9,
        }
    )
    assert metric.score == pytest.approx(expected, abs=0.05)


def test_recomputing_updates_the_cached_row(day_data):
    metrics_compute(node=day_data, day=DAY)
    received(day_data, ywh="M-4", day=DAY, created=_at(DAY, 8), received_at=_at(DAY, 8, 10))
    metric = metrics_compute(node=day_data, day=DAY)
    assert metric.messages == 4 and DailyMetric.objects.count() == 1


def test_a_day_without_activity_has_no_score(county_node):
    metric = metrics_compute(node=county_node.node, day=DAY)
    assert metric.stability is None and metric.completeness is None and metric.score is None


def test_weighted_score_leaves_out_unmeasured_dimensions():
    assert weighted_score({"stability": 1.0, "completeness": None}) == 100
    assert weighted_score({"stability": 1.0, "completeness": 0.0}) == pytest.approx(100 * 20 / 45, abs=0.01)
    assert weighted_score({"consistency": None}) is None


def test_monthly_ranking_orders_nodes_by_score(make_user, county_node):
    good = county_node.node
    poor = node_register(region_code="340122", name="肥东县", public_key_hex=public_key_hex()).node
    idle = node_register(region_code="340123", name="肥西县", public_key_hex=public_key_hex()).node
    for day in (DAY, DAY + dt.timedelta(days=1)):
        received(good, ywh=f"G-{day}", day=day)
        received(poor, ywh=f"P-{day}", day=day, status=MessageStatus.REJECTED)
        DeliveryFailure.objects.create(
            node=poor, claimed_region="340122", kind="auth", response_code="1005", at=_at(day, 10)
        )
    count = metrics_compute_range(day_from=DAY, day_to=DAY + dt.timedelta(days=1))
    assert count == 6
    tenant_ensure(region_code="340123", name="肥西县", province_abbr="皖", parent_code="340100")
    user = make_user("province", regions=("340121", "340122", "340123"))
    rows = ranking_month(user=user, month=DAY)
    assert [r.region for r in rows] == [good.region_code, poor.region_code, idle.region_code]
    assert [r.rank for r in rows] == [1, 2, 3]
    assert rows[0].score > rows[1].score and rows[2].score is None
    assert rows[0].days == 2
    # a county user sees only its own row
    assert [r.region for r in ranking_month(user=make_user("county"), month=DAY)] == ["340121"]
