"""The catalogue of checks: one interface per kind, grouped in the three classes of the national
guide (身份核验、业务协同、信息核验). Shared by our client and the department simulator, so it
imports nothing from Django."""

from dataclasses import dataclass

CLASS_LABELS = {"identity": "身份核验", "collab": "业务协同", "info": "信息核验"}


@dataclass(frozen=True)
class Kind:
    code: str  # "identity.id_card": class "." interface
    department: str  # department code (see DEPARTMENTS)
    label: str
    params: tuple[str, ...]  # required request parameters
    personal: bool  # request or response carries personal data (encrypted at rest)

    @property
    def klass(self) -> str:
        return self.code.split(".", 1)[0]

    @property
    def interface(self) -> str:
        return self.code.split(".", 1)[1]


DEPARTMENTS: dict[str, str] = {
    "police": "公安",
    "market": "市场监管",
    "finance": "金融监管",
    "tax": "税务",
    "housing": "住建",
    "court": "法院",
    "civil": "民政",
    "health": "卫健",
    "notary": "公证",
}

KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind("identity.id_card", "police", "身份证核验", ("name", "id_number"), True),
        Kind("identity.face", "police", "人脸比对", ("id_number",), True),
        Kind(
            "identity.credit_code", "market", "统一社会信用代码/营业执照核验", ("name", "credit_code"), False
        ),
        Kind("identity.financial_licence", "finance", "金融许可证核验", ("name", "licence_no"), False),
        Kind("collab.tax_status", "tax", "完税状态", ("case_number", "unit_code"), False),
        Kind("collab.contract_filing", "housing", "商品房合同网签备案", ("contract_no",), False),
        Kind("collab.court_order", "court", "法院查封/解封文书", ("order_no",), False),
        Kind("info.marriage", "civil", "婚姻登记信息", ("id_number",), True),
        Kind("info.death", "civil", "死亡（殡葬）信息", ("id_number",), True),
        Kind("info.place_name", "civil", "标准地名", ("name",), False),
        Kind("info.birth", "health", "出生医学证明", ("id_number",), True),
        Kind("info.notarial_deed", "notary", "公证书核验", ("deed_no",), False),
    )
}

# Outcome statuses (also the archived check's final statuses).
OK, MISMATCH, NOT_FOUND, PENDING, UNAVAILABLE = "ok", "mismatch", "not_found", "pending", "unavailable"
STATUS_LABELS = {
    OK: "一致",
    MISMATCH: "不一致",
    NOT_FOUND: "无记录",
    PENDING: "等待部门核验",
    UNAVAILABLE: "部门不可用",
}
