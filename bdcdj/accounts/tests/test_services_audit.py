"""The audit trail: what `audit_record` stores, and that history cannot be rewritten."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.http import HttpResponse
from django.test import RequestFactory

from bdcdj.accounts.middleware import RequestContextMiddleware, current_request_context
from bdcdj.accounts.models import AppendOnlyError, AuditLog
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import InvalidInput


def test_audit_record_stores_actor_action_object_and_detail(clerk):
    entry = audit_record(
        actor=clerk,
        action="cases.accept",
        object_type="case",
        object_id="YWH2024001",
        region_code="340121",
        detail={"step": "受理"},
    )
    entry.refresh_from_db()
    assert entry.actor == clerk
    assert entry.actor_name == "clerk1"
    assert (entry.action, entry.object_type, entry.object_id, entry.region_code) == (
        "cases.accept",
        "case",
        "YWH2024001",
        "340121",
    )
    assert entry.detail == {"step": "受理"}
    assert entry.outcome == "ok"
    assert entry.at is not None


def test_anonymous_or_missing_actor_is_stored_as_nobody(db):
    assert audit_record(actor=None, action="system.start").actor is None
    entry = audit_record(actor=AnonymousUser(), action="portal.visit", actor_name="z***")
    assert entry.actor is None and entry.actor_name == "z***"


def test_client_address_and_agent_come_from_the_request(db):
    captured = {}

    def view(request):
        captured["ctx"] = current_request_context()
        captured["entry"] = audit_record(actor=None, action="test.request")
        return HttpResponse()

    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 300)
    RequestContextMiddleware(view)(request)
    entry = captured["entry"]
    assert entry.ip_address == "10.1.2.3"
    assert entry.user_agent.startswith("Mozilla/5.0") and len(entry.user_agent) == 200
    assert current_request_context() == {}  # reset after the request


def test_an_unparsable_client_address_is_not_stored(db):
    def view(request):
        return HttpResponse(audit_record(actor=None, action="test.request").ip_address or "none")

    request = RequestFactory().get("/", REMOTE_ADDR="unix:/run/socket")
    assert RequestContextMiddleware(view)(request).content == b"none"


def test_outside_a_request_no_address_is_stored(db):
    entry = audit_record(actor=None, action="system.job")
    assert entry.ip_address is None and entry.user_agent == ""


@pytest.mark.parametrize("action", ["", "x" * 65])
def test_action_must_be_given_and_short(db, action):
    with pytest.raises(InvalidInput):
        audit_record(actor=None, action=action)


def test_outcome_must_be_a_known_value(db):
    with pytest.raises(InvalidInput) as exc:
        audit_record(actor=None, action="x.y", outcome="maybe")
    assert exc.value.code == "audit_outcome_invalid"


# --- append-only ---


@pytest.fixture
def entry(db):
    return audit_record(actor=None, action="test.entry", detail={"n": 1})


def test_an_audit_row_cannot_be_saved_again(entry):
    entry.action = "test.rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AuditLog.objects.get(pk=entry.pk).action == "test.entry"


def test_an_audit_row_cannot_be_deleted(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_bulk_update_and_delete_through_the_orm_are_refused(entry):
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.filter(pk=entry.pk).update(action="test.rewritten")
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.bulk_update([entry], ["action"])
    assert AuditLog.objects.get(pk=entry.pk).action == "test.entry"


def test_related_manager_cannot_rewrite_a_users_history(clerk):
    audit_record(actor=clerk, action="test.entry")
    with pytest.raises(AppendOnlyError):
        clerk.auditlog_set.update(outcome="failed")
    with pytest.raises(AppendOnlyError):
        clerk.auditlog_set.all().delete()


def test_a_user_with_history_cannot_be_deleted_only_deactivated(clerk):
    audit_record(actor=clerk, action="test.entry")
    with pytest.raises(ProtectedError):
        clerk.delete()
    clerk.is_active = False
    clerk.save()


@pytest.mark.postgres
def test_postgresql_trigger_refuses_raw_update_and_delete(entry):
    if connection.vendor != "postgresql":
        pytest.skip(f"the append-only trigger exists on PostgreSQL only (database is {connection.vendor})")
    table = AuditLog._meta.db_table
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"UPDATE {table} SET action = %s WHERE id = %s", ["test.rewritten", entry.pk])
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])
    with connection.cursor() as cur:
        cur.execute(f"SELECT action FROM {table} WHERE id = %s", [entry.pk])
        assert cur.fetchone() == ("test.entry",)
    audit_record(actor=None, action="test.after")  # inserts still work
    assert AuditLog.objects.filter(action="test.after").exists()
