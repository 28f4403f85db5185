"""/healthz, /readyz and /metrics: status codes, the checks readiness makes, the metrics guard,
and the request id that ties a response to its log lines."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from bdcdj.exchange.models import OutboxMessage
from bdcdj.ops.errors import storage_full_note
from bdcdj.ops.models import Heartbeat
from bdcdj.ops.services.heartbeat import heartbeat_beat

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_fails_without_a_worker_heartbeat_and_passes_with_a_recent_one(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]
    assert body["checks"]["heartbeats"] == {"ok": False, "detail": "worker 无心跳"}
    heartbeat_beat(name="worker")
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"


def test_readyz_reports_a_stale_heartbeat(client, settings):
    heartbeat_beat(name="worker")
    Heartbeat.objects.filter(name="worker").update(beat_at=timezone.now() - dt.timedelta(minutes=10))
    body = client.get("/readyz").json()
    assert not body["checks"]["heartbeats"]["ok"] and "心跳已停止" in body["checks"]["heartbeats"]["detail"]


def test_readyz_reports_low_free_space_and_a_recent_storage_full_error(client, settings):
    heartbeat_beat(name="worker")
    settings.BDCDJ_READY_MIN_FREE_MB = 10**9  # more than any disk has
    body = client.get("/readyz").json()
    assert not body["checks"]["var_dir"]["ok"] and "低于" in body["checks"]["var_dir"]["detail"]
    settings.BDCDJ_READY_MIN_FREE_MB = 1
    storage_full_note(where="storage")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "存储空间不足" in response.json()["checks"]["var_dir"]["detail"]


def test_readyz_reports_an_unwritable_var_dir(client, settings, tmp_path):
    heartbeat_beat(name="worker")
    settings.VAR_DIR = tmp_path / "missing" / "var"
    body = client.get("/readyz").json()
    assert not body["checks"]["var_dir"]["ok"] and "不可写" in body["checks"]["var_dir"]["detail"]


def test_metrics_are_refused_outside_the_allow_list_and_without_the_token(settings):
    settings.BDCDJ_METRICS_ALLOW = ["10.0.0.0/8"]
    assert Client(REMOTE_ADDR="192.168.1.5").get("/metrics").status_code == 403
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    settings.BDCDJ_METRICS_TOKEN = "scrape-token-for-tests"
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 403  # token now required
    ok = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-for-tests")
    assert ok.status_code == 200
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403


def test_metrics_count_requests_by_route_pattern_and_read_the_queues(client, chain):
    client.get("/healthz")
    client.get("/api/cases/v1/cases/424242")  # 401: not logged in; the id must not become a label
    OutboxMessage.objects.create(
        region_code="340121",
        biz_msg_id="340121202600000001",
        case_number="T-1",
        xml=b"<Message/>",
        next_attempt_at=timezone.now(),
        ordered_at=timezone.now() - dt.timedelta(hours=2),
    )
    OutboxMessage.objects.filter(biz_msg_id="340121202600000001").update(
        created_at=timezone.now() - dt.timedelta(hours=2)
    )
    text = client.get("/metrics").content.decode()
    assert 'bdcdj_http_requests_total{method="GET",route="healthz",status="200"}' in text
    assert 'route="api/cases/v1/cases/<case_id>",status="401"' in text
    assert "424242" not in text
    assert "bdcdj_http_request_duration_seconds_bucket" in text
    assert 'bdcdj_outbox_messages{status="pending"} 1.0' in text
    lag = next(line for line in text.splitlines() if line.startswith("bdcdj_relay_lag_seconds "))
    assert 7000 < float(lag.split()[1]) < 7400
    assert 'bdcdj_register_chain_seq{region="340121"}' in text
    assert "bdcdj_audit_log_rows" in text and "bdcdj_task_queue_oldest_ready_seconds" in text


def test_request_id_is_echoed_or_made(client):
    given = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123-def-456")
    assert given.headers["X-Request-ID"] == "abc-123-def-456"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces")
    assert made.headers["X-Request-ID"] != "bad id with spaces" and len(made.headers["X-Request-ID"]) == 32


def test_behind_a_trusted_proxy_the_client_address_comes_from_x_real_ip(settings):
    settings.BDCDJ_METRICS_ALLOW = ["10.0.0.0/8"]
    proxied = Client(REMOTE_ADDR="127.0.0.1")
    assert proxied.get("/metrics", HTTP_X_REAL_IP="10.1.2.3").status_code == 403  # proxy not trusted
    settings.BDCDJ_TRUSTED_PROXIES = ["127.0.0.1"]
    assert proxied.get("/metrics", HTTP_X_REAL_IP="10.1.2.3").status_code == 200
    assert proxied.get("/metrics", HTTP_X_REAL_IP="203.0.113.9").status_code == 403
    assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics", HTTP_X_REAL_IP="10.1.2.3").status_code == 403
