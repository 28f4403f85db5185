"""New 登簿 on the demo county through the register's writer, for incremental packages."""

from __future__ import annotations

import datetime as dt

from bdcdj.accounts.models import User
from bdcdj.register.models import Right, RightKind, RightStatus, Unit
from bdcdj.register.services import (
    Operation,
    RegistrationItem,
    RightSpec,
    SeizureReleaseSpec,
    SeizureSpec,
    record,
)

REGION = "340121"


def unseized_unit() -> str:
    seized = Right.objects.filter(kind=RightKind.SEIZURE, status=RightStatus.CURRENT).values("unit_id")
    unit = Unit.objects.filter(region_code=REGION, code__contains="F").exclude(pk__in=seized).order_by("code")
    return unit.first().code  # type: ignore[union-attr]


def seize(code: str, number: str) -> Right:
    result = record(
        by=User.objects.get(username="registrar"),
        item=RegistrationItem(
            region_code=REGION,
            business_number=number,
            operation=Operation.SEIZE,
            registration_type="800",
            reason="人民法院查封",
            unit_codes=(code,),
            right=RightSpec(
                kind=RightKind.SEIZURE,
                right_type="98",
                detail=SeizureSpec(
                    authority="长丰县人民法院",
                    document_number=f"（2026）皖0121执{number[-3:]}号",
                    start=dt.date(2026, 1, 5),
                    end=dt.date(2029, 1, 4),
                ),
            ),
        ),
    )
    return result.rights_created[0]


def release(seizure: Right, number: str) -> None:
    record(
        by=User.objects.get(username="registrar"),
        item=RegistrationItem(
            region_code=REGION,
            business_number=number,
            operation=Operation.RELEASE_SEIZURE,
            registration_type="800",
            reason="人民法院解除查封",
            unit_codes=(seizure.unit.code,),
            target_right_ids=(seizure.pk,),
            release=SeizureReleaseSpec(authority="长丰县人民法院", document_number="（2026）皖0121执恢1号"),
        ),
    )
