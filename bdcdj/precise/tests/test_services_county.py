"""County side: receiving tasks (refusals over the real API), A/B posts, blind-index search,
erasure after sending, tenant isolation, inbox pagination."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from bdcdj.accounts import pii
from bdcdj.core.errors import Conflict, Forbidden, NotFound
from bdcdj.demo.dataset import OTHER_REGION, REGION
from bdcdj.precise import envelope
from bdcdj.precise.models import InboxStatus, InboxTask, QueryLog
from bdcdj.precise.selectors import draft_listing, inbox_get, inbox_page
from bdcdj.precise.services import result_prepare, result_return, result_send, task_receive
from bdcdj.precise.tests.conftest import NATIONAL_KEY, OTHER_KEY, PERSON_ID, units_of
from bdcdj.precise.tests.helpers import post, task_envelope, task_payload

pytestmark = pytest.mark.django_db


def test_received_task_keeps_the_target_only_as_ciphertext_and_blind_index(sides, make_user):
    with sides.county():
        response = post(Client(), "/tasks", task_envelope())
    assert response.status_code == 200, response.content
    task = InboxTask.objects.get()
    assert task.target_index == pii.blind_index(PERSON_ID)
    assert pii.decrypt_text(task.target_enc) == PERSON_ID
    stored = json.dumps([str(getattr(task, f.attname)) for f in InboxTask._meta.concrete_fields])
    assert PERSON_ID not in stored
    assert list(QueryLog.objects.values_list("event", "task_serial")) == [("received", task.serial)]


def test_task_without_legal_basis_is_refused_with_a_chinese_reason(sides, make_user):
    with sides.county():
        response = post(Client(), "/tasks", task_envelope(task_payload(legal_basis="  ")))
    assert response.status_code == 400
    assert response.json()["code"] == "legal_basis_required"
    assert "法律依据" in response.json()["message"]
    assert not InboxTask.objects.exists()


def test_replayed_envelope_is_refused(sides, make_user):
    raw = task_envelope()
    with sides.county():
        assert post(Client(), "/tasks", raw).status_code == 200
        again = post(Client(), "/tasks", raw)
    assert again.status_code == 409
    assert again.json()["code"] == "envelope_replayed"


def test_same_task_in_a_fresh_envelope_is_refused_as_duplicate(sides, make_user):
    with sides.county():
        assert post(Client(), "/tasks", task_envelope()).status_code == 200
        again = post(Client(), "/tasks", task_envelope())
    assert again.status_code == 409
    assert again.json()["code"] == "task_duplicate"
    assert InboxTask.objects.count() == 1


def test_tampered_envelope_is_refused(sides, make_user):
    fields = json.loads(task_envelope())
    fields["task"] = "JQ10000020260101-9999"
    with sides.county():
        response = post(Client(), "/tasks", json.dumps(fields).encode())
    assert response.status_code == 403
    assert response.json()["code"] == "signature_invalid"
    assert "签名" in response.json()["message"]


def test_task_signed_by_another_key_is_refused(sides, make_user):
    with sides.county():
        response = post(Client(), "/tasks", task_envelope(key=OTHER_KEY))
    assert response.status_code == 403


def test_task_for_a_district_not_hosted_here_is_refused(sides, make_user):
    with sides.county():
        response = post(Client(), "/tasks", task_envelope(recipient="450102"))
    assert response.status_code == 404
    assert response.json()["code"] == "recipient_unknown"


def _receive(sides, serial: str = "JQ10000020260101-0001", target: str = PERSON_ID, region: str = REGION):
    with sides.county():
        return task_receive(raw=task_envelope(task_payload(serial, target_id=target), recipient=region))


def test_blind_index_search_lists_exactly_the_owners_units(sides, demo, owner_id, post_a):
    task = _receive(sides, target=owner_id)
    with sides.county():
        task = result_prepare(task=task, by=post_a)
        listing = draft_listing(user=post_a, task=task)
    assert {u["unit_code"] for u in listing} == units_of(owner_id)
    assert listing and all(u["title"]["kind"] for u in listing)
    assert owner_id not in json.dumps(listing, ensure_ascii=False)
    assert task.draft_enc and listing[0]["unit_code"] not in task.draft_enc


def test_preparer_can_never_review_or_send_the_same_task(sides, demo, owner_id, make_user):
    both = make_user("both-posts", roles=("inquiry_a", "inquiry_b"))
    task = _receive(sides, target=owner_id)
    with sides.county():
        task = result_prepare(task=task, by=both)
        with pytest.raises(Forbidden) as refused:
            result_send(task=task, by=both)
        assert refused.value.code == "same_person"
        with pytest.raises(Forbidden):
            result_return(task=task, by=both, reason="重新检索")
    task.refresh_from_db()
    assert task.status == InboxStatus.PREPARED


def test_reviewer_sends_a_sealed_result_and_nothing_readable_stays(sides, demo, owner_id, post_a, post_b):
    task = _receive(sides, target=owner_id)
    with sides.county():
        task = result_prepare(task=task, by=post_a)
        codes = {u["unit_code"] for u in draft_listing(user=post_a, task=task)}
        task = result_send(task=task, by=post_b)
    task.refresh_from_db()
    assert task.status == InboxStatus.SENT and task.reviewed_by == post_b
    assert (task.target_enc, task.target_index, task.target_masked, task.draft_enc) == ("", "", "", "")
    sealed = bytes(task.result_envelope)
    assert codes and not any(code.encode() in sealed for code in codes)
    payload = envelope.open_payload(envelope.parse(sealed), private_key_hex=NATIONAL_KEY)
    assert {u["unit_code"] for u in payload["units"]} == codes
    log = list(QueryLog.objects.order_by("id").values("event", "count", "task_serial", "region_code"))
    assert log[-1] == {
        "event": "answered",
        "count": len(codes),
        "task_serial": task.serial,
        "region_code": REGION,
    }


def test_reviewer_returns_a_draft_to_the_preparer(sides, demo, owner_id, post_a, post_b):
    task = _receive(sides, target=owner_id)
    with sides.county():
        task = result_prepare(task=task, by=post_a)
        task = result_return(task=task, by=post_b, reason="请核对共有情况")
        assert task.status == InboxStatus.NEW and task.draft_enc == ""
        with pytest.raises(Conflict):
            result_send(task=task, by=post_b)


def test_unknown_target_gives_an_empty_listing(sides, demo, post_a):
    task = _receive(sides, target="110101199001011237")
    with sides.county():
        task = result_prepare(task=task, by=post_a)
    assert task.unit_count == 0


def test_inbox_is_isolated_by_district(sides, make_user, post_a):
    _receive(sides, serial="JQ-A")
    _receive(sides, serial="JQ-B", region=OTHER_REGION)
    other = make_user("other-a", roles=("inquiry_a",), regions=(OTHER_REGION,))
    mine = inbox_page(user=post_a)
    theirs = inbox_page(user=other)
    assert [t.serial for t in mine] == ["JQ-A"]
    assert [t.serial for t in theirs] == ["JQ-B"]
    with pytest.raises(NotFound):
        inbox_get(user=other, task_id=mine[0].pk)
    with sides.county(), pytest.raises(Forbidden):
        result_prepare(task=InboxTask.objects.get(serial="JQ-A"), by=other)


def test_inbox_pages_through_its_tasks(sides, make_user, post_a):
    for n in range(25):
        _receive(sides, serial=f"JQ-{n:03d}")
    client = Client()
    client.force_login(post_a)
    first = client.get("/precise/inbox/")
    second = client.get("/precise/inbox/?page=2")
    assert first.status_code == second.status_code == 200
    assert first.context["page_obj"].paginator.count == 25
    assert len(first.context["page_obj"]) == 20 and len(second.context["page_obj"]) == 5
    assert "下一页" in first.content.decode()
