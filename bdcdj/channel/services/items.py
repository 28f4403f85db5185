"""The shape of batch items (checked per item, so one malformed item does not spoil the batch)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ItemModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PersonIn(ItemModel):
    name: str = Field(min_length=1, max_length=200)
    id_type: str = Field(default="1", max_length=2)
    id_number: str = Field(min_length=1, max_length=50)
    party_type: str = Field(default="1", max_length=2)
    share: str | None = None


class MaterialIn(ItemModel):
    checklist_code: str = Field(min_length=1, max_length=40)
    content_base64: str = Field(min_length=1)
    content_type: str = Field(default="application/pdf", max_length=100)
    form: str | None = Field(default=None, max_length=2)
    pages: int | None = None


class MortgageItem(ItemModel):
    idempotency_key: str
    unit_codes: list[str] = Field(min_length=1, max_length=20)
    mortgagors: list[PersonIn] = Field(min_length=1, max_length=10)
    debtors: list[PersonIn] = Field(default_factory=list, max_length=10)
    data: dict[str, Any]
    materials: list[MaterialIn] = Field(default_factory=list, max_length=20)


class CancelItem(ItemModel):
    idempotency_key: str
    unit_code: str = Field(min_length=1, max_length=28)
    proof_number: str = Field(min_length=1, max_length=100)
    data: dict[str, Any] = Field(default_factory=dict)
    materials: list[MaterialIn] = Field(default_factory=list, max_length=20)


class BankIn(ItemModel):
    name: str = Field(min_length=1, max_length=200)
    credit_code: str = Field(min_length=18, max_length=18)


class HandoverMortgage(ItemModel):
    mortgagee: BankIn
    data: dict[str, Any]
    materials: list[MaterialIn] = Field(default_factory=list, max_length=20)


class HandoverItem(ItemModel):
    idempotency_key: str
    unit_code: str = Field(min_length=1, max_length=28)
    buyers: list[PersonIn] = Field(min_length=1, max_length=10)
    data: dict[str, Any]
    materials: list[MaterialIn] = Field(default_factory=list, max_length=20)
    mortgage: HandoverMortgage | None = None
