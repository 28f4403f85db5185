"""Notices and certificates as files: numbering, wording, rendering and storage.

Files are written while the caller's transaction is open; `files_guard` deletes them again if
that transaction fails, so a rolled-back step leaves neither rows nor files behind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile

from bdcdj.accounts.models import Tenant, User
from bdcdj.cases import clock
from bdcdj.cases.models import NOTICE_PREFIX, Case, CaseParty, Notice, NoticeKind
from bdcdj.cases.pdf import NoticeContent, render_notice
from bdcdj.cases.services.applications import party_clear
from bdcdj.cases.services.common import notice_serial
from bdcdj.cases.workflows import business_type_get

_written: list[list[FieldFile]] = []


@contextmanager
def files_guard() -> Iterator[None]:
    """Delete files stored inside the block when the block fails."""
    written: list[FieldFile] = []
    _written.append(written)
    try:
        yield
    except BaseException:
        for field_file in written:
            if field_file.name:
                field_file.storage.delete(field_file.name)
        raise
    finally:
        _written.pop()


def store(field_file: FieldFile, name: str, content: bytes) -> None:
    field_file.save(name, ContentFile(content), save=False)
    if _written:
        _written[-1].append(field_file)


def authority_name(region_code: str) -> str:
    name = Tenant.objects.filter(region_code=region_code).values_list("name", flat=True).first()
    return f"{name}不动产登记中心" if name else "不动产登记机构"


def verify_url(number: str) -> str:
    base = str(getattr(settings, "BDCDJ_PUBLIC_URL", "")).rstrip("/")
    return f"{base}/verify/{quote(number, safe='')}"


def applicants(case: Case) -> str:
    """The addressee of a notice: the applicants in clear (the notice is handed to them)."""
    parties: Sequence[CaseParty] = list(case.parties.order_by("order", "id"))
    names = [party_clear(p).name for p in parties]
    return "、".join(dict.fromkeys(names)) or str(case.data.get("authority") or "申请人")


WORDING = {
    NoticeKind.ACCEPTANCE: (
        "你（单位）申请办理的{business}，经审查，申请材料齐全，符合法定形式，决定予以受理。",
        "本机构将自受理之日起{limit}个工作日内办结（补正材料期间不计入），办结期限为{deadline}。",
    ),
    NoticeKind.NON_ACCEPTANCE: (
        "你（单位）申请办理的{business}，经审查，决定不予受理。",
        "不予受理的理由：{text}",
        "如不服本决定，可以依法申请行政复议或者提起行政诉讼。",
    ),
    NoticeKind.CORRECTION: (
        "你（单位）申请办理的{business}，申请材料不齐全或者不符合法定形式，请补正下列材料。",
        "补正期间不计入办理时限。{text}",
    ),
    NoticeKind.REFUSAL: (
        "你（单位）申请办理的{business}，经审核，依照《不动产登记暂行条例》第二十二条的规定，决定不予登记。",
        "不予登记的理由：{text}",
        "如不服本决定，可以依法申请行政复议或者提起行政诉讼。",
    ),
}


def notice_issue(*, case: Case, kind: str, by: User, text: str = "", items: Sequence[str] = ()) -> Notice:
    """Number, word, render and store one notice for the case (inside the caller's transaction)."""
    now = clock.now()
    year = clock.today().year
    serial = notice_serial(region_code=case.region_code, kind=kind, year=year)
    number = f"{case.region_code}-{year}-{NOTICE_PREFIX[NoticeKind(kind)]}-{serial:06d}"
    bt = business_type_get(case.business_type)
    deadline = f"{case.deadline:%Y年%m月%d日}" if case.deadline else "—"
    values = {
        "business": bt.name,
        "limit": case.time_limit_workdays,
        "deadline": deadline,
        "text": text,
    }
    paragraphs = tuple(p.format(**values) for p in WORDING[NoticeKind(kind)] if p.format(**values).strip())
    units = "、".join(case.units.order_by("order", "id").values_list("unit_code", flat=True))
    content = NoticeContent(
        title=NoticeKind(kind).label,
        number=number,
        authority=authority_name(case.region_code),
        addressee=applicants(case),
        paragraphs=paragraphs,
        rows=(("业务号", case.number), ("业务类型", bt.name), ("不动产单元号", units)),
        items=tuple(items),
        issued_on=clock.today(),
    )
    pdf = render_notice(content)
    notice = Notice(
        case=case,
        region_code=case.region_code,
        kind=kind,
        year=year,
        serial=serial,
        number=number,
        text=text,
        items=list(items),
        sha256=hashlib.sha256(pdf).hexdigest(),
        issued_by=by,
        issued_at=now,
    )
    store(notice.file, f"notice-{kind}-{serial:06d}.pdf", pdf)
    notice.full_clean()
    notice.save()
    return notice
