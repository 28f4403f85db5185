import pytest

from bdcdj.accounts.models import User
from bdcdj.demo.dataset import OTHER_REGION, REGION, load_demo
from bdcdj.register.models import RegisterEvent, Right, RightKind, RightStatus, Unit
from bdcdj.register.services import chain_verify

pytestmark = pytest.mark.django_db


def test_small_demo_builds_a_consistent_register_through_the_services():
    report = load_demo(size="small")
    assert report.users == 9
    assert Unit.objects.filter(region_code=REGION).count() == report.households + 3
    assert RegisterEvent.objects.filter(region_code=REGION).count() == report.events
    assert chain_verify(region_code=REGION).ok
    current = Right.objects.filter(region_code=REGION, status=RightStatus.CURRENT)
    assert current.filter(kind=RightKind.SEIZURE).count() == 2  # one effective, one 轮候
    assert current.filter(kind=RightKind.OBJECTION).count() == 1
    # a repaid mortgage is cancelled (注销): it ends as 终止 (TERMINATED) and stays in the register
    assert Right.objects.filter(kind=RightKind.MORTGAGE, status=RightStatus.TERMINATED).exists()


def test_loading_twice_adds_nothing():
    load_demo(size="small")
    events = RegisterEvent.objects.count()
    again = load_demo(size="small")
    assert again.users == 0
    assert again.notes
    assert RegisterEvent.objects.count() == events


def test_demo_users_belong_to_their_districts():
    load_demo(size="small")
    other = User.objects.get(username="other")
    assert list(other.tenants.values_list("region_code", flat=True)) == [OTHER_REGION]
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="registrar").check_password("Bdcdj#Demo2026")


def test_fake_id_numbers_carry_a_valid_check_digit():
    import random

    from bdcdj.demo.people import fake_credit_code, fake_id_number, id_check_digit

    rng = random.Random(1)
    for _ in range(50):
        number = fake_id_number(rng, region_code=REGION)
        assert len(number) == 18 and number[:6] == REGION
        assert number[-1] == id_check_digit(number[:17])
    assert len(fake_credit_code(7, region_code=REGION)) == 18


def test_a_sold_demo_house_passes_the_quality_rules_for_a_further_transfer():
    """Sold titles carry the land-use period, so the next 转移 of a demo house is not blocked."""
    from bdcdj.quality.services import quality_check_item
    from bdcdj.register.services import (
        HouseOwnershipSpec,
        Operation,
        PartyRole,
        PartySpec,
        RegistrationItem,
        RightSpec,
    )

    load_demo(size="small")
    sold = Right.objects.filter(
        kind=RightKind.HOUSE_OWNERSHIP, status=RightStatus.CURRENT, registration_type="200"
    ).first()
    assert sold.detail.land_use_start and sold.detail.land_use_end
    item = RegistrationItem(
        region_code=REGION,
        business_number="340121-2026-T00001",
        operation=Operation.TRANSFER,
        registration_type="200",
        reason="买卖",
        unit_codes=(sold.unit.code,),
        target_right_ids=(sold.pk,),
        right=RightSpec(
            kind=RightKind.HOUSE_OWNERSHIP,
            right_type="4",
            parties=(
                PartySpec(
                    role=PartyRole.HOLDER, name="测试买受人", id_type="1", id_number="340121199001011234"
                ),
            ),
            detail=HouseOwnershipSpec(
                price=sold.detail.price,
                land_use_start=sold.detail.land_use_start,
                land_use_end=sold.detail.land_use_end,
            ),
        ),
    )
    report = quality_check_item(item=item)
    assert not [f for f in report.blocking if f.rule_id == "Q-REQ-001"], report.as_messages()
