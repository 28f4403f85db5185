"""What a certificate version says, read from the register: the clear rows printed on the PDF
(the cases app's official wording), the masked rows the public verify page may show, and a
keyed digest of the clear rows that tells whether the register changed what it says.

Decision: restrictions (抵押、查封、异议、预告) are not printed on the 不动产权证书. They have
their own 登记证明 or none, and the official certificate layout has no field for them; the
verify page reads them live from the register instead. A new mortgage or seizure therefore
leaves the certificate valid and unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from django.db.models import Prefetch
from django.utils import timezone

from bdcdj.accounts import pii
from bdcdj.accounts.pii import keyed_digest
from bdcdj.cases.models import CaseCertificate, DocumentKind
from bdcdj.cases.pdf import CertificateContent
from bdcdj.cases.services.certificates import OBLIGOR_ROLE, proof_rows, title_rows
from bdcdj.cases.services.documents import authority_name, verify_url
from bdcdj.register.models import Party, Right, attach_details
from bdcdj.register.models.choices import HOLDER_ROLE

# Rows whose value names people: shown masked (names) on the verify page.
_NAME_ROWS = {"权利人", "权利人（申请人）", "义务人"}
# Rows that may carry names, amounts or private terms: never on the verify page.
_HIDDEN_ROWS = {"附记", "其他"}


@dataclass(frozen=True)
class Rendered:
    content: CertificateContent
    masked: list[list[str]]
    digest: str


def rights_load(right_ids: Sequence[int]) -> list[Right]:
    """The rights in the given order, with unit, parcel, parties and details."""
    rows = {
        r.pk: r
        for r in Right.objects.filter(pk__in=list(right_ids))
        .select_related("unit", "unit__parcel")
        .prefetch_related(Prefetch("parties", queryset=Party.objects.order_by("order", "id")))
    }
    rights = [rows[i] for i in right_ids if i in rows]
    attach_details(rights)
    return rights


def verify_link(number: str, code: str) -> str:
    return f"{verify_url(number)}?code={quote(code)}"


def _masked_names(right: Right, role: str | None) -> str:
    if role is None:
        return ""
    return "、".join(
        pii.mask_name(pii.decrypt_text(p.name_enc), organisation=p.party_type not in {"", "1"})
        for p in right.parties.all()
        if p.role == role
    )


def _masked(rows: Sequence[tuple[str, str]], right: Right) -> list[list[str]]:
    shown: list[list[str]] = []
    for label, value in rows:
        if label in _HIDDEN_ROWS:
            continue
        if label in {"权利人", "权利人（申请人）"}:
            value = _masked_names(right, HOLDER_ROLE[right.kind])
        elif label == "义务人":
            value = _masked_names(right, OBLIGOR_ROLE.get(right.kind))
        elif label == "共有情况":
            value = value.split("（", 1)[0]  # the mode; shares name the holders
        shown.append([label, value])
    return shown


def render_content(
    *, certificate: CaseCertificate, rights: list[Right], code: str, display_code: str, version: int
) -> Rendered:
    is_title = certificate.kind == DocumentKind.CERTIFICATE
    rows = title_rows(rights, certificate) if is_title else proof_rows(rights)
    digest = keyed_digest(json.dumps(rows, ensure_ascii=False), purpose="certs.content")
    latest = max(r.registered_at for r in rights)
    content = CertificateContent(
        title=DocumentKind(certificate.kind).label,
        number=certificate.number,
        rows=rows,
        verify_url=verify_link(certificate.number, code),
        authority=authority_name(certificate.region_code),
        issued_on=timezone.localdate(latest),
        verify_code=display_code,
        version=version,
    )
    return Rendered(content=content, masked=_masked(rows, rights[0]), digest=digest)


def content_digest(*, certificate: CaseCertificate, rights: list[Right]) -> str:
    is_title = certificate.kind == DocumentKind.CERTIFICATE
    rows = title_rows(rights, certificate) if is_title else proof_rows(rights)
    return keyed_digest(json.dumps(rows, ensure_ascii=False), purpose="certs.content")
