"""Department and interface rows: created once (idempotent), then edited in the admin."""

from django.db import transaction

from bdcdj.accounts.models import User
from bdcdj.core.errors import NotFound
from bdcdj.sharing.kinds import DEPARTMENTS, KINDS
from bdcdj.sharing.models import Department, Interface, Mode
from bdcdj.sharing.services.checks import CheckOutcome, check

# How each department is reached in the demo network: 公安、民政 and 市场监管 through the
# national platform (总对总), the provincial/municipal ones directly (总对点), the county
# offices point to point (点对点).
DEFAULT_MODES = {
    "police": Mode.TOP_TOP,
    "market": Mode.TOP_TOP,
    "civil": Mode.TOP_TOP,
    "finance": Mode.TOP_POINT,
    "tax": Mode.TOP_POINT,
    "court": Mode.TOP_POINT,
    "housing": Mode.POINT_POINT,
    "health": Mode.POINT_POINT,
    "notary": Mode.POINT_POINT,
}


@transaction.atomic
def sharing_setup(*, base_url: str, repoint: bool = False) -> dict[str, int]:
    """Make sure every department and interface of the catalogue has a row. Existing rows keep
    their settings unless `repoint`, which points every department at `base_url` (the simulator)."""
    base_url = base_url.rstrip("/")
    created = {"departments": 0, "interfaces": 0, "repointed": 0}
    for code, name in DEPARTMENTS.items():
        department, new = Department.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "endpoint_url": f"{base_url}/{code}",
                "mode": DEFAULT_MODES[code],
                "credentials_ref": code,
            },
        )
        created["departments"] += int(new)
        if repoint and not new and department.endpoint_url != f"{base_url}/{code}":
            department.endpoint_url = f"{base_url}/{code}"
            department.full_clean()
            department.save(update_fields=["endpoint_url"])
            created["repointed"] += 1
    departments = {d.code: d for d in Department.objects.all()}
    for kind in KINDS.values():
        _, new = Interface.objects.get_or_create(
            kind=kind.code, defaults={"department": departments[kind.department], "name": kind.label}
        )
        created["interfaces"] += int(new)
    return created


PROBES = {
    "identity.id_card": {"name": "连接测试", "id_number": "000000000000000000"},
    "identity.face": {"id_number": "000000000000000000", "image_sha3": "0" * 64},
    "identity.credit_code": {"name": "连接测试", "credit_code": "000000000000000000"},
    "identity.financial_licence": {"name": "连接测试", "licence_no": "TEST"},
    "collab.tax_status": {"case_number": "TEST", "unit_code": "0" * 28},
    "collab.contract_filing": {"contract_no": "TEST"},
    "collab.court_order": {"order_no": "TEST"},
    "info.marriage": {"id_number": "000000000000000000"},
    "info.death": {"id_number": "000000000000000000"},
    "info.place_name": {"name": "连接测试"},
    "info.birth": {"id_number": "000000000000000000"},
    "info.notarial_deed": {"deed_no": "TEST"},
}


def interface_test(*, interface_id: int, by: User) -> CheckOutcome:
    """测试连接: one signed call with a probe that matches no record. Any authentic answer
    (usually “无记录”) proves address, key and signatures; the call is archived like others."""
    from bdcdj.accounts.selectors import require_page

    require_page(user=by, page="sharing.interfaces", write=True)
    interface = Interface.objects.filter(pk=interface_id).first()
    if interface is None:
        raise NotFound(code="interface_not_found", message="未找到该共享接口")
    return check(kind=interface.kind, params=PROBES[interface.kind], operator=f"{by.username}（连接测试）")
