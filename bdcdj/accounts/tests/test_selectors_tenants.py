"""Tenant isolation: a user of one district never acts in, or reads, another district."""

import pytest
from django.contrib.auth.models import AnonymousUser

from bdcdj.accounts.models import UserTenant
from bdcdj.accounts.selectors import AuditFilter, audit_logs, require_tenant, tenant_codes
from bdcdj.accounts.services import audit_record
from bdcdj.accounts.tests.conftest import HOME, OTHER
from bdcdj.core.errors import Forbidden


def test_tenant_codes_are_only_the_users_districts(clerk, make_user):
    assert tenant_codes(user=clerk) == {HOME}
    both = make_user(regions=(HOME, OTHER))
    assert tenant_codes(user=both) == {HOME, OTHER}


def test_require_tenant_denies_another_district(clerk):
    require_tenant(user=clerk, region_code=HOME)
    with pytest.raises(Forbidden) as exc:
        require_tenant(user=clerk, region_code=OTHER)
    assert exc.value.code == "other_district"
    assert exc.value.message == "无权访问其他行政区的数据"


def test_anonymous_and_tenantless_users_are_denied_everywhere(make_user):
    nowhere = make_user(regions=())
    for user in (AnonymousUser(), nowhere):
        assert tenant_codes(user=user) == frozenset()
        with pytest.raises(Forbidden):
            require_tenant(user=user, region_code=HOME)


def test_superuser_gets_no_district_implicitly(superuser):
    with pytest.raises(Forbidden):
        require_tenant(user=superuser, region_code=HOME)


def test_region_codes_are_compared_exactly(clerk):
    for near_miss in ("34012", "3401210", "340100", ""):
        with pytest.raises(Forbidden):
            require_tenant(user=clerk, region_code=near_miss)


def test_granting_a_district_takes_effect_for_a_fresh_user_object(clerk):
    UserTenant.objects.create(user=clerk, region_code=OTHER)
    clerk.refresh_from_db()
    fresh = type(clerk).objects.get(pk=clerk.pk)
    require_tenant(user=fresh, region_code=OTHER)


def test_audit_reader_sees_only_own_district(auditor, other_auditor, clerk, make_user, superuser):
    neighbour = make_user("neighbour", regions=(OTHER,))
    audit_record(actor=clerk, action="cases.accept", region_code=HOME)
    audit_record(actor=neighbour, action="cases.accept", region_code=OTHER)
    audit_record(actor=clerk, action="auth.login")  # no district: belongs to the actor's
    audit_record(actor=neighbour, action="auth.login")
    audit_record(actor=None, action="system.job")  # nobody's: superusers only

    def seen(user):
        return {(e.actor_name, e.action, e.region_code) for e in audit_logs(user=user)}

    assert seen(auditor) == {("clerk1", "cases.accept", HOME), ("clerk1", "auth.login", "")}
    assert seen(other_auditor) == {("neighbour", "cases.accept", OTHER), ("neighbour", "auth.login", "")}
    everything = seen(superuser)
    assert ("", "system.job", "") in everything
    assert len({row for row in everything if not row[1].startswith("accounts.")}) == 5


def test_audit_reader_filtering_by_another_district_gets_nothing(auditor, make_user):
    audit_record(actor=make_user(regions=(OTHER,)), action="cases.accept", region_code=OTHER)
    assert not audit_logs(user=auditor, filters=AuditFilter(region_code=OTHER)).exists()


def test_audit_selector_requires_the_audit_page(clerk):
    with pytest.raises(Forbidden):
        audit_logs(user=clerk)
