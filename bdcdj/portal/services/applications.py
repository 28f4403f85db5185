"""网上申请: a verified citizen's application becomes a case of the console (收件 through
`case_create`, materials through `case_material_add`) under the district's portal service
account; the application PDF (申请书) is rendered here, signed with the applicant's SM2 key
and received as the checklist's 申请书 material.

Fields and parties are validated with the very specs the counter uses
(`cases.services.applications`), so the portal cannot accept what the counter would refuse.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from bdcdj.accounts import pii
from bdcdj.accounts.models import Tenant, User
from bdcdj.accounts.services import user_create
from bdcdj.cases.models import BEFORE_REGISTER, Case, CaseStatus, Material, Stage
from bdcdj.cases.pdf import NoticeContent, render_notice
from bdcdj.cases.selectors import workflow_current
from bdcdj.cases.services import case_create, case_material_add, workflow_ensure_defaults
from bdcdj.cases.services.applications import clean_data, clean_parties, workflow_fields
from bdcdj.cases.services.intake import SIGNATURES
from bdcdj.cases.workflows import BusinessType, business_types
from bdcdj.core.crypto import sm3_hex
from bdcdj.core.errors import Conflict, DomainError, Forbidden, NotFound, invalid_fields
from bdcdj.portal.models import Application, Citizen
from bdcdj.portal.services import keys

# Businesses a citizen does not apply for: court-ordered 查封/解封 and 依职权更正.
NOT_ONLINE = frozenset({"seizure", "seizure_queue", "seizure_release", "correction_ex_officio"})
GENERATED_MATERIAL = "application"  # 不动产登记申请书: rendered and signed by the portal
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_ITEM = 5
SERVICE_ROLE = "clerk"  # the role of the 收件 step in the default workflows


@dataclass(frozen=True)
class Upload:
    checklist_code: str
    content: bytes
    content_type: str


def online_business_types() -> list[BusinessType]:
    return [bt for code, bt in business_types().items() if code not in NOT_ONLINE]


def online_business_type(code: str) -> BusinessType:
    bt = business_types().get(code)
    if bt is None or code in NOT_ONLINE:
        raise NotFound(code="business_type_not_found", message="该业务不支持网上申请")
    return bt


def district_get(region_code: str) -> Tenant:
    tenant = Tenant.objects.filter(region_code=region_code).first()
    if tenant is None:
        raise NotFound(code="district_not_found", message="没有这个行政区的网上登记服务")
    return tenant


def service_account(*, region_code: str) -> User:
    """The district's portal account (staff side, role 受理人员, no usable password): the
    console shows it as the receiver of online applications. Created on first use."""
    username = f"portal-{region_code}"
    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    tenant = district_get(region_code)
    try:
        with transaction.atomic():
            account = user_create(
                username=username,
                password="Pt#" + secrets.token_urlsafe(24),
                display_name=f"网上申请（{tenant.name}）"[:50],
                organisation=None,
                roles=[SERVICE_ROLE],
                region_codes=[region_code],
                is_staff=False,
            )
            account.set_unusable_password()
            account.save(update_fields=["password"])
    except (IntegrityError, DomainError):
        concurrent = User.objects.filter(username=username).first()  # created concurrently
        if concurrent is None:
            raise
        return concurrent
    return account


def workflow_for(*, region_code: str, business_type: str) -> Any:
    district_get(region_code)
    try:
        return workflow_current(region_code=region_code, business_type=business_type)
    except NotFound:
        workflow_ensure_defaults(region_code=region_code)
        return workflow_current(region_code=region_code, business_type=business_type)


def _sniffed(data: bytes) -> str | None:
    return next((ctype for magic, ctype, _ in SIGNATURES if data.startswith(magic)), None)


def check_upload(upload: Upload, field: str, errors: dict[str, str]) -> None:
    """Size and type (from the content, not the name) before anything is written."""
    if not upload.content:
        errors[field] = "文件为空"
    elif len(upload.content) > MAX_UPLOAD_BYTES:
        errors[field] = "单个文件不能超过 10 MB"
    elif _sniffed(upload.content[:8]) is None:
        errors[field] = "只接受 PDF、JPEG 或 PNG 文件（按文件内容识别）"


def _own_party(citizen: Citizen, role: str) -> dict[str, Any]:
    return {
        "role": role,
        "name": pii.decrypt_text(citizen.name_enc),
        "party_type": "1",
        "id_type": "1",
        "id_number": pii.decrypt_text(citizen.id_number_enc),
        "phone": pii.decrypt_text(citizen.phone_enc),
    }


def validate(
    *,
    citizen: Citizen,
    region_code: str,
    business_type: str,
    unit_codes: Sequence[str],
    role: str,
    others: Sequence[Mapping[str, Any]],
    data: Mapping[str, Any],
    uploads: Sequence[Upload],
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """(parties, field errors). Party errors of the applicant's own row come back as `role`."""
    if not citizen.is_verified:
        raise Forbidden(code="not_verified", message="请先完成实名核验再申请")
    bt = online_business_type(business_type)
    workflow = workflow_for(region_code=region_code, business_type=business_type)
    errors: dict[str, str] = {}
    if role not in {spec.role for spec in bt.parties} | {"applicant"}:
        errors["role"] = "请选择您在本业务中的身份"
    parties = [_own_party(citizen, role), *[dict(o) for o in others]]
    clean_parties(bt, parties, errors, data)
    clean_data(workflow_fields(bt, workflow.custom_fields), data, errors)
    if not unit_codes:
        errors["unit_codes"] = "请选择或填写不动产单元"
    counts: dict[str, int] = {}
    for upload in uploads:
        counts[upload.checklist_code] = counts.get(upload.checklist_code, 0) + 1
        field = f"file-{upload.checklist_code}"
        if workflow.material(upload.checklist_code) is None or upload.checklist_code == GENERATED_MATERIAL:
            errors[field] = "不在本业务的材料清单中"
        elif counts[upload.checklist_code] > MAX_FILES_PER_ITEM:
            errors[field] = f"每项材料最多{MAX_FILES_PER_ITEM}个文件"
        else:
            check_upload(upload, field, errors)
    for entry in workflow.materials:
        if entry.get("required") and entry["code"] != GENERATED_MATERIAL and entry["code"] not in counts:
            errors.setdefault(f"file-{entry['code']}", f"请上传“{entry['name']}”")
    if workflow.material(GENERATED_MATERIAL) is None:
        raise Conflict(code="no_application_form", message="本辖区流程未配置申请书材料，暂不支持网上申请")
    # Parties are reported by their position among the other parties (row 0 is the applicant).
    renamed: dict[str, str] = {}
    for key, message in errors.items():
        if key.startswith("parties[0]."):
            renamed["role"] = message
        elif key.startswith("parties["):
            index = int(key[len("parties[") : key.index("]")])
            renamed[f"other-{index - 1}.{key.split('.', 1)[1]}"] = message
        else:
            renamed[key] = message
    return parties, renamed


def _label(bt: BusinessType, code: str, value: Any) -> str:
    spec = bt.field(code)
    if spec is None:
        return str(value)
    if spec.choices:
        return dict(spec.choices).get(str(value), str(value))
    if spec.type == "bool":
        return "是" if value else "否"
    return str(value)


def application_pdf(*, case: Case, bt: BusinessType, parties: Sequence[Mapping[str, Any]]) -> bytes:
    """申请书 of an online application; carries clear names (the applicant signs it)."""
    tenant = district_get(case.region_code)
    authority = f"{tenant.name}不动产登记中心"
    roles = {spec.role: spec.label for spec in bt.parties} | {"applicant": "申请人", "agent": "代理人"}
    rows: list[tuple[str, str]] = [
        ("业务号", case.number),
        ("申请登记事项", bt.name),
        ("不动产单元号", "、".join(u.unit_code for u in case.units.order_by("order", "id"))),
        ("坐落", "、".join(u.location for u in case.units.order_by("order", "id") if u.location)),
    ]
    for party in parties:
        rows.append(
            (
                roles.get(str(party["role"]), "当事人"),
                f"{party['name']}（证件号 {party.get('id_number', '')}）",
            )
        )
    rows += [
        (spec.label, _label(bt, spec.code, case.data[spec.code]))
        for spec in bt.fields
        if spec.code in case.data
    ]
    content = NoticeContent(
        title="不动产登记申请书",
        number=case.number,
        authority="申请人（电子签名）",
        addressee=authority,
        paragraphs=(
            f"本人通过互联网+不动产登记申请办理{bt.name}，申请信息如下。",
            "本人承诺：以上申请事项及所提交的材料真实、合法、有效，如有虚假，愿承担法律责任。",
        ),
        rows=tuple(rows),
        issued_on=timezone.localdate(),
    )
    return render_notice(content)


def application_submit(
    *,
    citizen: Citizen,
    region_code: str,
    business_type: str,
    unit_codes: Sequence[str],
    role: str,
    others: Sequence[Mapping[str, Any]],
    data: Mapping[str, Any],
    uploads: Sequence[Upload],
) -> Application:
    """Create the case, the signed 申请书 and every uploaded material in one transaction."""
    parties, errors = validate(
        citizen=citizen,
        region_code=region_code,
        business_type=business_type,
        unit_codes=unit_codes,
        role=role,
        others=others,
        data=data,
        uploads=uploads,
    )
    if errors:
        raise invalid_fields(errors)
    bt = online_business_type(business_type)
    account = service_account(region_code=region_code)
    stored: list[Material] = []
    try:
        with transaction.atomic():
            case = case_create(
                region_code=region_code,
                business_type=business_type,
                unit_codes=list(unit_codes),
                parties=parties,
                data=dict(data),
                by=account,
            )
            pdf = application_pdf(case=case, bt=bt, parties=parties)
            signature = keys.sign_as(sealed_private_key=citizen.sign_private_enc, data=pdf)
            entry = case.workflow.material(GENERATED_MATERIAL)
            assert entry is not None
            form = _material(case, GENERATED_MATERIAL, pdf, "application/pdf", account, stored)
            for upload in uploads:
                _material(case, upload.checklist_code, upload.content, "", account, stored)
            application = Application(
                region_code=region_code,
                case=case,
                citizen=citizen,
                business_type=business_type,
                material=form,
                pdf_sm3=sm3_hex(pdf),
                signature=signature,
                public_key=citizen.sign_public_key,
            )
            application.full_clean()
            application.save()
    except BaseException:
        for material in stored:
            if material.file.name:
                material.file.storage.delete(material.file.name)
        raise
    return application


def _material(
    case: Case, code: str, content: bytes, content_type: str, by: User, stored: list[Material]
) -> Material:
    entry = case.workflow.material(code) or {}
    material = case_material_add(
        case=case,
        checklist_code=code,
        content=content,
        content_type=content_type,
        form=str(entry.get("form", "2")),
        pages=int(entry.get("pages", 1)),
        by=by,
    )
    stored.append(material)
    return material


def correction_upload(*, citizen: Citizen, case: Case, upload: Upload) -> Material:
    """补正: the applicant sends a material again while the case is suspended for it (or still
    at 收件); the counter confirms receipt with 恢复办理."""
    if not Application.objects.filter(case=case, citizen=citizen).exists():
        raise NotFound(code="case_not_found", message="业务不存在")
    if not (
        case.status == CaseStatus.SUSPENDED
        or (case.stage == Stage.INTAKE and case.status == CaseStatus.RUNNING)
    ):
        raise Conflict(code="no_correction", message="该业务当前不需要补正材料")
    if case.stage not in BEFORE_REGISTER:
        raise Conflict(code="no_correction", message="该业务已登簿，不能再提交材料")
    errors: dict[str, str] = {}
    if upload.checklist_code == GENERATED_MATERIAL or case.workflow.material(upload.checklist_code) is None:
        errors["checklist_code"] = "不在本业务的材料清单中"
    check_upload(upload, "file", errors)
    if errors:
        raise invalid_fields(errors)
    stored: list[Material] = []
    return _material(
        case, upload.checklist_code, upload.content, "", service_account(region_code=case.region_code), stored
    )


def application_signature_ok(*, application: Application) -> bool:
    """Whether the stored 申请书 is unchanged and its SM2 signature verifies under the key of
    the applicant at the time of signing."""
    if application.material is None or not application.material.file.name:
        return False
    with application.material.file.open("rb") as handle:
        data = handle.read()
    if sm3_hex(data) != application.pdf_sm3:
        return False
    return keys.verify(public_key_hex=application.public_key, data=data, signature_hex=application.signature)
