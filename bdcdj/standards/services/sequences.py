"""Gap-free counters (`CodeSequence`) behind unit codes and certificate numbers.

The next value is taken with one `UPDATE … SET last_value = last_value + 1` inside the caller's
transaction, then read back. The UPDATE holds the row lock until the caller commits (a row lock on
PostgreSQL, the writer lock on SQLite), so concurrent callers queue instead of colliding, and a
caller that rolls back gives its number back: committed numbers have no gaps. Callers that draw
from several scopes in one transaction should do so in a consistent order to avoid deadlocks.
"""

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest, Now

from bdcdj.core.errors import Conflict, InvalidInput
from bdcdj.standards.models import CodeSequence


@transaction.atomic
def sequence_next(*, scope: str, maximum: int, minimum: int = 1, exhausted_message: str = "") -> int:
    """Return the next value of `scope`, at least `minimum`; Conflict once `maximum` has been used."""
    if not scope or minimum < 1 or maximum < minimum:
        raise InvalidInput(
            code="invalid_sequence", message=f"编号序列参数有误：{scope} [{minimum}, {maximum}]"
        )
    # get_or_create retries the read when a concurrent transaction inserted the row first.
    CodeSequence.objects.get_or_create(scope=scope)
    updated = CodeSequence.objects.filter(scope=scope, last_value__lt=maximum).update(
        last_value=Greatest(F("last_value") + 1, Value(minimum)), updated_at=Now()
    )
    if not updated:
        raise Conflict(
            code="sequence_exhausted",
            message=exhausted_message or f"编号序列 {scope} 已用完（最大 {maximum}）",
            fields={"scope": scope},
        )
    return CodeSequence.objects.values_list("last_value", flat=True).get(scope=scope)


@transaction.atomic
def unit_code_seed_sequence(*, scope: str, last_value: int) -> int:
    """Raise a counter to at least `last_value` (importers: start above existing codes).

    Never lowers a counter, since that would hand out numbers again; returns the value now stored.
    """
    if not scope or last_value < 0:
        raise InvalidInput(code="invalid_sequence", message=f"编号序列参数有误：{scope} = {last_value}")
    CodeSequence.objects.get_or_create(scope=scope)
    CodeSequence.objects.filter(scope=scope).update(
        last_value=Greatest(F("last_value"), Value(last_value)), updated_at=Now()
    )
    return CodeSequence.objects.values_list("last_value", flat=True).get(scope=scope)
