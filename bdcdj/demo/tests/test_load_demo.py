import pytest

from bdcdj.accounts.models import User
from bdcdj.demo.dataset import OTHER_REGION, REGION, load_demo
from bdcdj.register.models import RegisterEvent, Right, RightKind, RightStatus, Unit
from bdcdj.register.services import chain_verify

pytestmark = pytest.mark.django_db


def test_small_demo_builds_a_consistent_register_through_the_services():
    report = load_demo(size="small")
    assert report.users == 7
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
