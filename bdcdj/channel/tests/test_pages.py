"""The supervisors' pages: list with search and export, keys issued once and revoked, the port
closed only with a reason; other roles and districts see nothing."""

import pytest
from django.test import Client

from bdcdj.accounts.models import AuditLog
from bdcdj.cases.tests.helpers import PASSWORD
from bdcdj.channel.models import ApiKey
from bdcdj.channel.tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_list_search_and_export(world):
    client = _login("t-supervisor")
    page = client.get("/channel/institutions/").content.decode()
    assert world.bank.organisation.name in page and world.developer.organisation.name in page
    found = client.get("/channel/institutions/", {"q": "置业"}).content.decode()
    assert world.developer.organisation.name in found and world.bank.organisation.name not in found
    export = client.get("/channel/institutions/export.xlsx")
    assert export.status_code == 200 and export.content[:2] == b"PK"
    assert _login("t-registrar").get("/channel/institutions/").status_code == 403
    outsider = make_user("t-out", ["channel_supervisor"], regions=("340122",))
    assert (
        world.bank.organisation.name
        not in _login(outsider.username).get("/channel/institutions/").content.decode()
    )
    assert _login(outsider.username).get(f"/channel/institutions/{world.bank.pk}/").status_code == 404


def test_key_is_shown_once_and_can_be_revoked(world):
    client = _login("t-supervisor")
    url = f"/channel/institutions/{world.bank.pk}/"
    page = client.post(
        url + "keys/", {"name": "第二把密钥", "scopes": ["status"], "days": "30"}
    ).content.decode()
    assert "只显示这一次" in page and "bdk_" in page
    key = ApiKey.objects.get(name="第二把密钥")
    assert key.scopes == ["status"]
    assert "只显示这一次" not in client.get(url).content.decode()
    response = client.post(url + f"keys/{key.pk}/revoke/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == url
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by.username == "t-supervisor"


def test_closing_the_port_needs_a_reason(world):
    client = _login("t-supervisor")
    url = f"/channel/institutions/{world.bank.pk}/port/"
    refused = client.post(url, {"action": "close", "reason": ""})
    assert refused.status_code == 400 and "请填写原因" in refused.content.decode()
    world.bank.refresh_from_db()
    assert world.bank.port_open
    assert client.post(url, {"action": "close", "reason": "核查中"}).status_code == 302
    world.bank.refresh_from_db()
    assert not world.bank.port_open and world.bank.closed_reason == "核查中"
    entry = AuditLog.objects.get(action="channel.port_close")
    assert entry.actor.username == "t-supervisor" and entry.detail == {"reason": "核查中"}
    assert _login("t-registrar").post(url, {"action": "open", "reason": "x"}).status_code == 403
