"""The outbox: one signed, validated access message per registered case, written inside the
登簿 transaction, plus re-sends with the standard's suffixes (reference §4.8).

Nothing leaves the process here; the relay delivers pending rows after commit. A message that
fails its XSD is stored with status "invalid" and its Chinese errors — never dropped, never
sent — so it can be fixed and re-sent from the outbox page. Message bytes hold personal data in
clear (the standard's format; the transport is the private network): they are never logged.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bdcdj.accounts.models import User
from bdcdj.accounts.selectors import require_page, require_tenant
from bdcdj.accounts.services import audit_record
from bdcdj.cases.models import Case
from bdcdj.core.errors import Conflict, DomainError, InvalidInput
from bdcdj.exchange.messages import build_xml, validate_message, with_biz_msg_id
from bdcdj.exchange.messages.recorded import recorded_content
from bdcdj.exchange.messages.registration import registration_content
from bdcdj.exchange.messages.validate import node_scheme
from bdcdj.exchange.models import OutboxMessage, OutboxStatus, ResendReason
from bdcdj.exchange.signing import sign_message
from bdcdj.register.models import Right
from bdcdj.register.services import RecordResult
from bdcdj.standards.services import sequence_next

PAGE = "exchange.outbox"
RESENDABLE = frozenset({OutboxStatus.INVALID, OutboxStatus.REJECTED, OutboxStatus.FAILED})
BASE_ID_LENGTH = 18  # AreaCode(6) + yyMMdd(6) + sequence(6)


def biz_msg_id_next(*, region_code: str, day: dt.date) -> str:
    """业务报文ID: AreaCode + yyMMdd + a 6-digit sequence per district and day. The counter is
    taken in the caller's transaction, so a rolled-back 登簿 leaves no gap."""
    stamp = day.strftime("%y%m%d")
    serial = sequence_next(
        scope=f"exchange:bizmsg:{region_code}:{stamp}",
        maximum=999_999,
        exhausted_message=f"{region_code} 当日业务报文ID已用完",
    )
    return f"{region_code}{stamp}{serial:06d}"


def _finish(xml: bytes, scheme: str) -> tuple[bytes, list[str]]:
    """(signed bytes, errors): validated before it is queued; signed either way so what the
    page shows is what would be sent."""
    errors = validate_message(xml=xml, scheme=scheme)
    return sign_message(xml), errors


def _store(
    *,
    case: Case,
    biz_msg_id: str,
    rectype: str,
    scheme: str,
    unit_code: str,
    right_ids: list[int],
    xml: bytes,
    errors: list[str],
    by_name: str,
    ordered_at: dt.datetime | None = None,
    resend_of: OutboxMessage | None = None,
    reason: str = "",
) -> OutboxMessage:
    now = timezone.now()
    row = OutboxMessage(
        region_code=case.region_code,
        biz_msg_id=biz_msg_id,
        rectype=rectype,
        scheme=scheme,
        unit_code=unit_code,
        case_id=case.pk,
        case_number=case.number,
        right_ids=right_ids,
        xml=xml,
        status=OutboxStatus.INVALID if errors else OutboxStatus.PENDING,
        errors=errors,
        next_attempt_at=now,
        ordered_at=ordered_at or now,
        resend_of=resend_of,
        resend_reason=reason,
        created_by_name=by_name[:50],
    )
    row.full_clean(exclude=["xml"])
    row.save()
    return row


def _build(
    case: Case, results: list[RecordResult], biz_msg_id: str, scheme: str
) -> tuple[str, str, bytes, list[str]]:
    """(rectype, unit code, signed xml, errors); a mapping that cannot produce a message at all
    (e.g. no RecType of the scheme) gives an invalid row with the reason and no XML."""
    try:
        content = registration_content(case=case, results=results, scheme=scheme, biz_msg_id=biz_msg_id)
    except DomainError as exc:
        return "", (case.units.values_list("unit_code", flat=True).first() or ""), b"", [exc.message]
    xml, errors = _finish(build_xml(content), scheme)
    return content.head["RecType"], content.head.get("EstateNum", ""), xml, errors


def outbox_enqueue_registration(*, case: Case, results: list[RecordResult], by: User) -> OutboxMessage:
    """Queue the access message of a case just registered. Call inside the 登簿 transaction
    (once per member case of a group): a rolled-back 登簿 leaves no message and no used ID."""
    scheme = node_scheme()
    day = timezone.localdate()
    biz_msg_id = biz_msg_id_next(region_code=case.region_code, day=day)
    rectype, unit_code, xml, errors = _build(case, results, biz_msg_id, scheme)
    right_ids = [r.pk for result in results for r in result.rights_created]
    return _store(
        case=case,
        biz_msg_id=biz_msg_id,
        rectype=rectype,
        scheme=scheme,
        unit_code=unit_code,
        right_ids=right_ids,
        xml=xml,
        errors=errors,
        by_name=_name(by),
    )


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def outbox_enqueue_record(*, results: list[RecordResult], rectype: str, by: User) -> OutboxMessage:
    """Queue the access message of a registration recorded without a case (`register.services.
    record` called directly, e.g. batch 首次登记 of land, sea or forest from the survey results);
    call inside the transaction that recorded it. `rectype` is the business's RecType in the
    revised scheme (translated to the node's scheme)."""
    rights = [r for result in results for r in result.rights_created]
    if not rights:
        raise InvalidInput(code="nothing_recorded", message="该登记没有新设的权利，无法生成接入报文")
    scheme = node_scheme()
    region = rights[0].region_code
    biz_msg_id = biz_msg_id_next(region_code=region, day=timezone.localdate())
    content = recorded_content(results=results, rectype=rectype, scheme=scheme, biz_msg_id=biz_msg_id)
    xml, errors = _finish(build_xml(content), scheme)
    return _store(
        case=Case(pk=None, region_code=region, number=rights[0].business_number),
        biz_msg_id=biz_msg_id,
        rectype=content.head["RecType"],
        scheme=scheme,
        unit_code=content.head["EstateNum"],
        right_ids=[r.pk for r in rights],
        xml=xml,
        errors=errors,
        by_name=_name(by),
    )


def _results_for(rights: list[Right]) -> list[RecordResult]:
    if not rights:
        return []
    event = rights[0].recorded_event
    if event is None:
        return []
    return [
        RecordResult(
            event=event, rights_created=tuple(rights), rights_ended=(), units_created=(), warnings=()
        )
    ]


def outbox_resend(*, message: OutboxMessage, reason: str, by: User) -> OutboxMessage:
    """Re-send a message that failed validation, was rejected or could not be delivered: a new
    row with BizMsgID = first 18 characters + the reason's suffix, rebuilt from the case and the
    rights as they are now (fixes since are included), validated and signed again. The old row
    is kept, marked superseded; the new one keeps its place in the unit's order."""
    require_tenant(user=by, region_code=message.region_code)
    require_page(user=by, page=PAGE, write=True)
    if reason not in ResendReason.values:
        raise InvalidInput(
            code="resend_reason", message="重发原因应为 BBXZ、CBXZ 或 BL", fields={"reason": "无效"}
        )
    with transaction.atomic():
        old = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if old.status not in RESENDABLE or old.superseded:
            raise Conflict(code="not_resendable", message=f"报文 {old.biz_msg_id} 当前状态不能重新发送")
        row = resend_locked(old=old, reason=reason, by_name=_name(by))
        audit_record(
            actor=by, action="exchange.resend", detail={"from": old.biz_msg_id, "to": row.biz_msg_id}
        )
    return row


def resend_locked(*, old: OutboxMessage, reason: str, by_name: str) -> OutboxMessage:
    """The re-send itself, for a row the caller has locked and checked (the page's re-send and
    the 补报 the upper node asks for). Raises Conflict for forwarded messages and for a suffix
    used before."""
    if old.case_id is None and not old.right_ids:
        # A forwarded message carries the lower node's signature; re-signing it here would
        # make the upper node refuse it. Corrections come from the registering county.
        raise Conflict(
            code="forwarded_not_resendable",
            message=f"报文 {old.biz_msg_id} 是转发的下级报文，只能由原登记机构更正后重新上报",
        )
    new_id = old.biz_msg_id[:BASE_ID_LENGTH] + reason
    if OutboxMessage.objects.filter(biz_msg_id=new_id).exists():
        raise Conflict(code="resend_exists", message=f"报文 {new_id} 已存在，不能以同一原因再次重发")
    case = (
        Case.objects.filter(pk=old.case_id, region_code=old.region_code).first()
        if old.case_id is not None
        else None
    )
    rights = list(Right.objects.filter(pk__in=old.right_ids).select_related("unit", "recorded_event"))
    if case is not None:
        rectype, unit_code, xml, errors = _build(case, _results_for(rights), new_id, old.scheme)
    elif rights:  # recorded without a case: rebuilt from its rights
        content = recorded_content(
            results=_results_for(rights), rectype=old.rectype, scheme=old.scheme, biz_msg_id=new_id
        )
        rectype, unit_code = content.head["RecType"], content.head["EstateNum"]
        xml, errors = _finish(build_xml(content), old.scheme)
    else:  # no case to rebuild from: the same content under the new ID
        rectype, unit_code = old.rectype, old.unit_code
        xml, errors = _finish(with_biz_msg_id(old.xml_bytes, new_id), old.scheme)
    row = _store(
        case=case or Case(pk=old.case_id, region_code=old.region_code, number=old.case_number),
        biz_msg_id=new_id,
        rectype=rectype or old.rectype,
        scheme=old.scheme,
        unit_code=unit_code or old.unit_code,
        right_ids=list(old.right_ids),
        xml=xml,
        errors=errors,
        by_name=by_name,
        ordered_at=old.ordered_at,
        resend_of=old,
        reason=reason,
    )
    old.superseded = True
    old.save(update_fields=["superseded"])
    return row


def upstream_configured() -> bool:
    return bool(getattr(settings, "BDCDJ_UPSTREAM_URL", ""))
