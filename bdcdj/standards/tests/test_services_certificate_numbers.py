"""不动产权证书号 / 不动产登记证明号: composition, yearly gap-free serials, templates, voiding."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from bdcdj.accounts.models import User
from bdcdj.core.errors import Conflict, InvalidInput, NotFound
from bdcdj.standards.models import CertificateNumber, CertificateNumberTemplate
from bdcdj.standards.services import certificate_number_allocate, certificate_number_void
from bdcdj.standards.services import certificates as certificates_module

pytestmark = pytest.mark.django_db


def template(**fields) -> CertificateNumberTemplate:
    values = {"region_code": "340122", "kind": "certificate", "province_abbr": "皖", "county_name": "肥东县"}
    values.update(fields)
    obj = CertificateNumberTemplate(**values)
    obj.full_clean()
    obj.save()
    return obj


def test_demo_county_numbers_follow_the_national_pattern():
    first = certificate_number_allocate(region_code="340121", kind="certificate", year=2026)
    second = certificate_number_allocate(region_code="340121", kind="certificate", year=2026)
    proof = certificate_number_allocate(region_code="340121", kind="proof", year=2026)
    assert first.number == "皖(2026)长丰县不动产权第0000001号"
    assert second.number == "皖(2026)长丰县不动产权第0000002号"
    assert proof.number == "皖(2026)长丰县不动产证明第0000001号"
    assert (first.region_code, first.kind, first.year, first.serial, first.status) == (
        "340121",
        "certificate",
        2026,
        1,
        "issued",
    )


def test_serials_restart_every_year():
    certificate_number_allocate(region_code="340121", kind="certificate", year=2026)
    assert certificate_number_allocate(region_code="340121", kind="certificate", year=2027).serial == 1


def test_year_defaults_to_the_current_year_in_china(monkeypatch):
    # 2025-12-31 16:30 UTC is already 2026-01-01 00:30 in Beijing.
    monkeypatch.setattr(
        certificates_module.timezone, "now", lambda: datetime(2025, 12, 31, 16, 30, tzinfo=UTC)
    )
    assert certificate_number_allocate(region_code="340121", kind="proof").year == 2026


def test_template_options_shape_the_number():
    template(width=8, full_width_brackets=True, initial_serial=10023999)
    number = certificate_number_allocate(region_code="340122", kind="certificate", year=2018)
    assert number.number == "皖（2018）肥东县不动产权第10023999号"


def test_a_year_specific_template_wins_over_the_any_year_one():
    template()
    template(year=2027, county_name="肥东区")
    assert "肥东县" in certificate_number_allocate(region_code="340122", kind="certificate", year=2026).number
    assert "肥东区" in certificate_number_allocate(region_code="340122", kind="certificate", year=2027).number


def test_raising_the_initial_serial_later_skips_forward():
    tpl = template()
    assert certificate_number_allocate(region_code="340122", kind="certificate", year=2026).serial == 1
    tpl.initial_serial = 500
    tpl.save()
    assert certificate_number_allocate(region_code="340122", kind="certificate", year=2026).serial == 500


def test_districts_with_a_shared_scope_draw_from_one_sequence():
    template(shared_scope="hefei")
    template(region_code="340123", county_name="肥西县", shared_scope="hefei")
    a = certificate_number_allocate(region_code="340122", kind="certificate", year=2026)
    b = certificate_number_allocate(region_code="340123", kind="certificate", year=2026)
    assert (a.serial, b.serial) == (1, 2)
    assert b.number == "皖(2026)肥西县不动产权第0000002号"


def test_serial_beyond_the_width_is_a_conflict_and_leaves_nothing_behind():
    template(width=4, initial_serial=9999)
    assert certificate_number_allocate(region_code="340122", kind="certificate", year=2026).serial == 9999
    with pytest.raises(Conflict) as info:
        certificate_number_allocate(region_code="340122", kind="certificate", year=2026)
    assert "超过4位" in info.value.message
    assert CertificateNumber.objects.filter(region_code="340122").count() == 1


def test_two_templates_printing_the_same_text_are_reported():
    template(region_code="340123", county_name="长丰县", province_abbr="皖")
    certificate_number_allocate(region_code="340121", kind="certificate", year=2026)
    with pytest.raises(Conflict) as info:
        certificate_number_allocate(region_code="340123", kind="certificate", year=2026)
    assert info.value.code == "certificate_number_taken"


def test_a_district_without_template_gets_a_readable_error():
    with pytest.raises(NotFound) as info:
        certificate_number_allocate(region_code="340181", kind="proof", year=2026)
    assert info.value.code == "certificate_template_missing"
    assert "340181" in info.value.message and "不动产登记证明" in info.value.message


@pytest.mark.parametrize(("kind", "year"), [("licence", 2026), ("certificate", 1889), ("proof", 12026)])
def test_kind_and_year_are_checked(kind, year):
    with pytest.raises(InvalidInput):
        certificate_number_allocate(region_code="340121", kind=kind, year=year)


def test_a_rolled_back_registration_returns_its_number():
    with pytest.raises(RuntimeError), transaction.atomic():
        certificate_number_allocate(region_code="340121", kind="certificate", year=2026)
        raise RuntimeError("登簿失败")
    assert certificate_number_allocate(region_code="340121", kind="certificate", year=2026).serial == 1


@pytest.fixture
def registrar() -> User:
    return User.objects.create_user(username="registrar", password="x-Very-long-pass-1")


def test_voiding_records_who_when_and_why_and_never_reuses_the_number(registrar):
    issued = certificate_number_allocate(region_code="340121", kind="certificate", year=2026)
    voided = certificate_number_void(number=issued.number, reason="  打印错误  ", by=registrar)
    assert (voided.status, voided.voided_reason, voided.voided_by) == ("voided", "打印错误", registrar)
    assert voided.voided_at is not None
    assert certificate_number_allocate(region_code="340121", kind="certificate", year=2026).serial == 2


def test_a_number_cannot_be_voided_twice(registrar):
    issued = certificate_number_allocate(region_code="340121", kind="certificate", year=2026)
    certificate_number_void(number=issued.number, reason="打印错误", by=registrar)
    with pytest.raises(Conflict) as info:
        certificate_number_void(number=issued.number, reason="再次作废", by=registrar)
    assert "已于" in info.value.message and "作废" in info.value.message


def test_voiding_needs_a_reason_and_an_existing_number(registrar):
    issued = certificate_number_allocate(region_code="340121", kind="certificate", year=2026)
    with pytest.raises(InvalidInput) as info:
        certificate_number_void(number=issued.number, reason="  ", by=registrar)
    assert info.value.fields == {"reason": "必填"}
    with pytest.raises(NotFound):
        certificate_number_void(number="皖(2026)长丰县不动产权第9999999号", reason="x", by=registrar)


def test_template_validation_rejects_impossible_settings():
    with pytest.raises(ValidationError) as info:
        template(region_code="340100")
    assert "region_code" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        template(width=4, initial_serial=10000)
    assert "initial_serial" in info.value.message_dict
    with pytest.raises(ValidationError):
        template(shared_scope="合肥")
