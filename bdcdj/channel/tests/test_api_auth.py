"""The channel API authenticates by API key only: missing, wrong, revoked and expired keys are
401, a closed port 403 with its reason, all in Chinese and audited."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from bdcdj.accounts.models import AuditLog
from bdcdj.cases.tests.helpers import PASSWORD
from bdcdj.channel.models import ApiKey
from bdcdj.channel.services import api_key_revoke, port_close, port_open
from bdcdj.channel.tests.conftest import api
from bdcdj.core.errors import Forbidden, InvalidInput

pytestmark = pytest.mark.django_db


def test_missing_key_is_401(world, client):
    response = api(client, "GET", "/items", None)
    assert response.status_code == 401
    assert response.json()["message"] == "缺少接口密钥（请求头 X-Api-Key）"


def test_wrong_secret_with_a_real_prefix_is_401(world, client):
    prefix = world.bank_token.split("_")[1]
    response = api(client, "GET", "/items", f"bdk_{prefix}_{'x' * 43}")
    assert response.status_code == 401
    assert response.json()["message"] == "接口密钥无效"
    assert AuditLog.objects.filter(action="channel.auth", object_id=prefix, outcome="denied").exists()


def test_garbage_key_is_401(world, client):
    assert api(client, "GET", "/items", "Bearer nonsense").status_code == 401


def test_revoked_key_is_401(world, client):
    assert api(client, "GET", "/items", world.bank_token).status_code == 200
    api_key_revoke(key=world.bank.keys.get(), by=world.supervisor)
    response = api(client, "GET", "/items", world.bank_token)
    assert response.status_code == 401
    assert response.json()["message"] == "接口密钥已吊销"


def test_expired_key_is_401(world, client):
    ApiKey.objects.filter(institution=world.bank).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = api(client, "GET", "/items", world.bank_token)
    assert response.status_code == 401
    assert response.json()["message"] == "接口密钥已过期"


def test_closed_port_answers_403_with_the_reason_until_reopened(world, client):
    port_close(institution=world.bank, by=world.supervisor, reason="抽查发现材料造假，暂停接口")
    response = api(client, "POST", "/mortgages", world.bank_token, {"items": []})
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "channel_closed"
    assert "机构通道接口已被关闭：抽查发现材料造假，暂停接口" in body["message"]
    assert AuditLog.objects.filter(action="channel.port_close", outcome="ok").exists()
    # the other institution is not affected
    assert api(client, "GET", "/items", world.developer_token).status_code == 200
    port_open(institution=world.bank, by=world.supervisor, reason="整改完成")
    assert api(client, "GET", "/items", world.bank_token).status_code == 200


def test_closing_needs_a_reason_and_the_page_permission(world):
    with pytest.raises(InvalidInput):
        port_close(institution=world.bank, by=world.supervisor, reason="  ")
    with pytest.raises(Forbidden):
        port_close(institution=world.bank, by=world.registrar, reason="无权限")
    world.bank.refresh_from_db()
    assert world.bank.port_open


def test_key_without_the_scope_is_403(world, client):
    response = api(client, "POST", "/mortgages", world.developer_token, {"items": []})
    assert response.status_code == 403
    assert response.json()["message"] == "接口密钥无“抵押登记（首次、注销）”权限"


def test_a_staff_session_is_not_an_api_key(world):
    client = Client()
    assert client.login(username="t-admin", password=PASSWORD)
    assert api(client, "GET", "/items", None).status_code == 401


def test_key_is_stored_only_as_a_digest(world):
    key = world.bank.keys.get()
    secret = world.bank_token.split("_", 2)[2]
    assert secret not in key.key_hash and len(key.key_hash) == 64
    assert world.bank_token.startswith(f"bdk_{key.prefix}_")
