"""Pages: tenant isolation, filters, export, detail, node registry."""

from __future__ import annotations

import pytest
from django.test import Client

from bdcdj.hub.models import LowerNode
from bdcdj.hub.services import message_receive, node_register
from bdcdj.hub.tests.factories import OTHER_COUNTY, OTHER_PRIVATE_KEY, message_xml, public_key_hex

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_counties(county_node):
    other = node_register(
        region_code=OTHER_COUNTY, name="肥东县", public_key_hex=public_key_hex(OTHER_PRIVATE_KEY)
    )
    message_receive(node=county_node.node, xml=message_xml())
    unit = "340122001001GB00001F00010001"
    message_receive(
        node=other.node,
        xml=message_xml(
            biz_msg_id="340122240506000001",
            area=OTHER_COUNTY,
            unit=unit,
            private_key=OTHER_PRIVATE_KEY,
            rows={},
        ),
    )


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_user_sees_only_messages_of_their_districts(two_counties, make_user):
    page = login(make_user("changfeng")).get("/hub/messages/")
    assert page.status_code == 200
    assert "340121240506000001" in page.content.decode()
    assert "340122240506000001" not in page.content.decode()


def test_province_user_sees_every_county(two_counties, make_user):
    page = login(make_user("province", regions=("340121", "340122"))).get("/hub/messages/")
    assert "340121240506000001" in page.content.decode() and "340122240506000001" in page.content.decode()


def test_other_district_message_detail_is_not_found(two_counties, make_user):
    from bdcdj.hub.models import ReceivedMessage

    other = ReceivedMessage.objects.get(biz_msg_id="340122240506000001")
    assert login(make_user("changfeng")).get(f"/hub/messages/{other.pk}/").status_code == 404


def test_detail_shows_receipt_and_xml_to_admin(two_counties, make_user):
    from bdcdj.hub.models import ReceivedMessage

    own = ReceivedMessage.objects.get(biz_msg_id="340121240506000001")
    page = login(make_user("changfeng")).get(f"/hub/messages/{own.pk}/").content.decode()
    assert "0000" in page and "QLT_FW_FDCQ_YZ" in page


def test_clearance_list_shows_open_rejections_only(county_node, make_user):
    from bdcdj.hub.tests.factories import ownership_rows

    message_receive(
        node=county_node.node,
        xml=message_xml(biz_msg_id="340121240506000009", rows=ownership_rows(TDSYQSSJ="2090-01-01T00:00:00")),
    )
    message_receive(node=county_node.node, xml=message_xml())
    page = login(make_user("changfeng")).get("/hub/clearance/").content.decode()
    assert "340121240506000009" in page and "340121240506000001<" not in page


def test_filters_and_export(two_counties, make_user):
    client = login(make_user("province", regions=("340121", "340122")))
    page = client.get("/hub/messages/", {"node": OTHER_COUNTY}).content.decode()
    assert "340122240506000001" in page and "340121240506000001" not in page
    assert client.get("/hub/messages/", {"rectype": "abc"}).status_code == 400
    export = client.get("/hub/messages/export.xlsx", {"search": "340121"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


def test_pages_need_the_permission(two_counties, make_user):
    client = login(make_user("inquirer", roles=("inquirer",)))
    assert client.get("/hub/messages/").status_code == 403
    assert client.get("/hub/nodes/").status_code == 403


def test_node_registry_counts_and_deactivation(two_counties, make_user):
    client = login(make_user("changfeng"))
    page = client.get("/hub/nodes/").content.decode()
    assert "长丰县" in page and "肥东县" not in page
    response = client.post("/hub/nodes/340121/active", {"active": "0"})
    assert response.status_code == 302
    assert not LowerNode.objects.get(region_code="340121").is_active
    client.post("/hub/nodes/340122/active", {"active": "0"})
    assert LowerNode.objects.get(region_code="340122").is_active


def test_node_register_command_prints_a_token_once(db, capsys):
    from django.core.management import call_command

    from bdcdj.hub.services.nodes import token_digest

    call_command("node_register", "--region", "340123", "--name", "肥西县", "--public-key", public_key_hex())
    token = capsys.readouterr().out.strip()
    node = LowerNode.objects.get(region_code="340123")
    assert (
        token.startswith("bdn_") and node.token_hash == token_digest(token) and token not in node.token_hash
    )
