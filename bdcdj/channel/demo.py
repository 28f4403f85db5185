"""The channel in the demo county: a bank and a developer with the channel open, and automatic
review (自动审核) configured for the bank mortgage businesses of the district."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from bdcdj.accounts.models import Organisation, User
from bdcdj.accounts.services import organisation_create
from bdcdj.cases.models import WorkflowDefinition
from bdcdj.cases.services import workflow_ensure_defaults, workflow_publish
from bdcdj.cases.services.workflows import AUTO_KINDS, DEFINITION_KEYS
from bdcdj.channel.models import Institution
from bdcdj.channel.services import api_key_issue, institution_register

AUTO_BUSINESSES = ("mortgage_first", "mortgage_cancel")


def auto_review_configure(
    *, region_code: str, by: User, business_types: Sequence[str] = AUTO_BUSINESSES
) -> list[WorkflowDefinition]:
    """Publish a version of each workflow with its review, register and certify steps marked
    `auto` (idempotent: a workflow already so marked is left alone)."""
    workflow_ensure_defaults(region_code=region_code)
    published = []
    for code in business_types:
        current = WorkflowDefinition.objects.get(region_code=region_code, business_type=code, is_active=True)
        steps = [{**s, "auto": True} if s["kind"] in AUTO_KINDS else dict(s) for s in current.steps]
        if steps == current.steps:
            continue
        definition = {key: getattr(current, key) for key in DEFINITION_KEYS}
        definition["steps"] = steps
        published.append(
            workflow_publish(
                region_code=region_code,
                business_type=code,
                definition=definition,
                by=by,
                note="机构通道：抵押业务自动审核（审核、登簿、缮证）",
            )
        )
    return published


def _institution(
    *, code: str, name: str, kind: str, region_code: str, credit_code: str
) -> tuple[Institution, bool]:
    organisation = Organisation.objects.filter(code=code).first() or organisation_create(
        code=code, name=name, kind=kind, region_code=region_code
    )
    found = Institution.objects.filter(organisation=organisation).first()
    if found is not None:
        return found, False
    return institution_register(organisation=organisation, credit_code=credit_code), True


@transaction.atomic
def channel_demo_load(
    *, region_code: str, admin: User, bank: tuple[str, str], developer: tuple[str, str]
) -> list[str]:
    """Institutions (name, credit code) of the demo and automatic review; returns notes for the
    loader, including API keys issued now (shown only this once)."""
    notes: list[str] = []
    for code, (name, credit), kind in (
        (f"{region_code}-BANK01", bank, Organisation.Kind.BANK),
        (f"{region_code}-DEV01", developer, Organisation.Kind.DEVELOPER),
    ):
        institution, created = _institution(
            code=code, name=name, kind=kind, region_code=region_code, credit_code=credit
        )
        if created:
            issued = api_key_issue(institution=institution, name="演示密钥")
            notes.append(f"机构通道演示密钥（{name}，只显示一次）：{issued.token}")
    if auto_review_configure(region_code=region_code, by=admin):
        notes.append("已为抵押权首次登记、抵押权注销登记配置自动审核")
    return notes
