"""Provisioning services: tenants, organisations and users, with Chinese validation messages."""

import pytest
from django.utils import timezone

from bdcdj.accounts.models import AuditLog, Organisation, Tenant, User
from bdcdj.accounts.services import organisation_create, tenant_ensure, user_create, user_unlock
from bdcdj.accounts.tests.conftest import HOME, OTHER, PASSWORD
from bdcdj.core.errors import InvalidInput


def create(**overrides):
    values = {
        "username": "li.registrar",
        "password": PASSWORD,
        "display_name": "李登簿",
        "organisation": None,
        "roles": ["registrar"],
        "region_codes": [HOME],
    }
    values.update(overrides)
    return user_create(**values)


def test_user_create_gives_roles_districts_and_a_hashed_password(districts, authority):
    user = create(organisation=authority, roles=["registrar", "inquirer"], region_codes=[HOME, OTHER])
    user.refresh_from_db()
    assert user.display_name == "李登簿" and user.organisation == authority and user.is_staff
    assert sorted(user.user_roles.values_list("role__code", flat=True)) == ["inquirer", "registrar"]
    assert sorted(user.tenants.values_list("region_code", flat=True)) == [HOME, OTHER]
    assert user.password != PASSWORD and user.check_password(PASSWORD)
    assert user.password_changed_at is not None and user.password_changed_at <= timezone.now()


def test_user_create_is_audited_without_the_persons_name_or_password(districts):
    user = create()
    entry = AuditLog.objects.get(action="accounts.user_create")
    assert entry.object_id == str(user.pk)
    assert entry.detail == {"username": "li.registrar", "roles": ["registrar"], "region_codes": [HOME]}
    assert "李登簿" not in str(entry.detail) and PASSWORD not in str(entry.detail)


def test_duplicate_roles_and_districts_are_collapsed(districts):
    user = create(roles=["clerk", "clerk"], region_codes=[HOME, HOME])
    assert user.user_roles.count() == 1 and user.tenants.count() == 1


def test_weak_password_is_refused_with_chinese_messages(districts):
    with pytest.raises(InvalidInput) as exc:
        create(password="abc")
    assert set(exc.value.fields) == {"password"}
    assert "至少三类" in exc.value.fields["password"]
    assert not User.objects.filter(username="li.registrar").exists()


def test_unknown_roles_are_named(districts):
    with pytest.raises(InvalidInput) as exc:
        create(roles=["registrar", "ghost", "wizard"])
    assert exc.value.fields == {"roles": "角色不存在：ghost、wizard"}


def test_districts_must_exist_and_be_six_digits(districts):
    with pytest.raises(InvalidInput) as exc:
        create(region_codes=["340199"])
    assert exc.value.fields["region_codes"] == "租户（行政区）不存在，请先创建：340199"
    with pytest.raises(InvalidInput) as exc:
        create(region_codes=["3401"])
    assert "6 位数字" in exc.value.fields["region_codes"]


def test_user_names_must_be_new_and_well_formed(districts):
    create()
    with pytest.raises(InvalidInput) as exc:
        create()
    assert exc.value.fields["username"] == "账号已存在"
    with pytest.raises(InvalidInput) as exc:
        create(username="li registrar")
    assert "只能包含" in exc.value.fields["username"]
    with pytest.raises(InvalidInput) as exc:
        create(username="  ")
    assert exc.value.fields["username"] == "必填"


def test_every_problem_is_reported_at_once(districts):
    with pytest.raises(InvalidInput) as exc:
        create(username="", password="1", roles=["ghost"], region_codes=["x"])
    assert set(exc.value.fields) == {"username", "password", "roles", "region_codes"}
    assert exc.value.message.startswith("输入有误：")


def test_inactive_organisation_cannot_get_new_users(districts, authority):
    authority.is_active = False
    authority.save()
    with pytest.raises(InvalidInput) as exc:
        create(organisation=authority)
    assert exc.value.fields == {"organisation": "机构已停用"}


def test_organisation_create_validates_code_kind_and_region(districts):
    org = organisation_create(code="BANK001", name="长丰农商银行", kind="bank", region_code=HOME)
    assert Organisation.objects.get(code="BANK001") == org
    with pytest.raises(InvalidInput) as exc:
        organisation_create(code="BANK001", name="", kind="casino", region_code="12")
    assert set(exc.value.fields) == {"code", "name", "kind", "region_code"}
    assert exc.value.fields["code"] == "机构代码已存在"


def test_tenant_ensure_creates_then_is_idempotent_then_updates(db):
    first = tenant_ensure(region_code="340123", name="肥西县", province_abbr="皖", parent_code="340100")
    again = tenant_ensure(region_code="340123", name="肥西县", province_abbr="皖", parent_code="340100")
    assert first.pk == again.pk and Tenant.objects.filter(region_code="340123").count() == 1
    renamed = tenant_ensure(
        region_code="340123", name="肥西县（新）", province_abbr="皖", parent_code="340100"
    )
    assert renamed.pk == first.pk
    assert Tenant.objects.get(region_code="340123").name == "肥西县（新）"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"region_code": "34012", "name": "x"}, "region_code"),
        ({"region_code": "340123", "name": " "}, "name"),
        ({"region_code": "340123", "name": "x", "parent_code": "3401"}, "parent_code"),
    ],
)
def test_tenant_ensure_rejects_bad_input(db, kwargs, field):
    with pytest.raises(InvalidInput) as exc:
        tenant_ensure(**kwargs)
    assert field in exc.value.fields


def test_user_unlock_clears_the_lock_and_is_audited(clerk, superuser):
    clerk.failed_logins, clerk.locked_until = 5, timezone.now()
    clerk.save()
    user_unlock(user=clerk, by=superuser)
    clerk.refresh_from_db()
    assert clerk.failed_logins == 0 and clerk.locked_until is None
    assert AuditLog.objects.get(action="accounts.user_unlock").actor == superuser
