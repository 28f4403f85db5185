"""Request and response schemas of the channel API (`/api/channel/v1/`)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class BatchIn(Schema):
    items: list[Any] = Field(..., description="申请项列表；每项须有 idempotency_key（幂等键）")


class HandoverBatchIn(BatchIn):
    project: str = Field("", max_length=60, description="项目名称")


class ItemResultOut(Schema):
    index: int
    idempotency_key: str
    status: str = Field(..., description="created 已创建 / existing 此前已创建（重试）/ invalid 有误，未创建")
    case_number: str
    mortgage_case_number: str
    code: str
    message: str
    fields: dict[str, str]


class BatchOut(Schema):
    created: int
    existing: int
    invalid: int
    items: list[ItemResultOut]


class CertificateOut(Schema):
    id: int
    kind: str
    number: str
    rendered: bool
    pdf_url: str


class CaseProgressOut(Schema):
    number: str
    business_type: str
    business_type_name: str
    stage: str
    stage_label: str
    status_label: str
    step_name: str
    auto_note: str = Field(..., description="自动审核未继续的原因（转人工时）")
    payment_total: str
    paid: bool
    payment_status: str
    certificates: list[CertificateOut]


class ItemStatusOut(Schema):
    idempotency_key: str
    kind: str
    submitted_at: str
    case: CaseProgressOut
    mortgage_case: CaseProgressOut | None = None


class ItemPageOut(Schema):
    page: int
    pages: int
    total: int
    items: list[ItemStatusOut]


class PaymentOut(Schema):
    order_number: str
    amount: str
    status: str
    pay_url: str
