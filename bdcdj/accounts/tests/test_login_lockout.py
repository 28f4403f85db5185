"""Login lockout (等保 登录失败处理): messages, counters, expiry, audit, no user enumeration."""

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse
from django.utils import timezone

from bdcdj.accounts.models import AuditLog, LoginThrottle, User
from bdcdj.accounts.tests.conftest import PASSWORD

BAD = "账号或密码错误"
LOGIN_URL = reverse("console:login")


def locked_text(minutes: int) -> str:
    return f"登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试"


def post_login(client, username, password, url=LOGIN_URL):
    return client.post(url, {"username": username, "password": password})


def logins(outcome=None):
    qs = AuditLog.objects.filter(action="auth.login").order_by("id")
    return qs.filter(outcome=outcome) if outcome else qs


def test_login_page_renders_in_chinese(client, db):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert "工作人员登录" in response.content.decode()


def test_correct_password_logs_in_and_is_audited(client, clerk):
    response = post_login(client, "clerk1", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("console:home")
    assert client.session["_auth_user_id"] == str(clerk.pk)
    entry = logins().get()
    assert (entry.actor, entry.outcome, entry.ip_address) == (clerk, "ok", "127.0.0.1")


def test_wrong_password_says_only_that_account_or_password_is_wrong(client, clerk):
    response = post_login(client, "clerk1", "wrong-password")
    assert response.status_code == 200
    assert BAD in response.content.decode()
    assert "_auth_user_id" not in client.session
    clerk.refresh_from_db()
    assert clerk.failed_logins == 1 and clerk.locked_until is None
    entry = logins().get()
    assert (entry.actor, entry.outcome, entry.detail["failures"]) == (clerk, "failed", 1)
    assert "wrong-password" not in str(entry.detail)


def test_unknown_user_gets_the_same_message_and_only_a_masked_name_is_logged(client, clerk):
    response = post_login(client, "zhangsan-typo", "whatever")
    assert BAD in response.content.decode()
    entry = logins().get()
    assert entry.actor is None
    assert entry.actor_name == "z***"
    assert entry.outcome == "failed"
    assert "zhangsan" not in str(entry.detail)
    assert entry.region_code == "340121"  # the node's district, so its administrators see it


def test_inactive_account_with_right_password_gets_the_same_message(client, clerk):
    clerk.is_active = False
    clerk.save()
    response = post_login(client, "clerk1", PASSWORD)
    assert BAD in response.content.decode()
    assert logins().get().detail["reason"] == "inactive"


def test_max_failures_lock_the_account_and_say_for_how_long(client, clerk, settings):
    for _ in range(settings.BDCDJ_LOGIN_MAX_FAILURES - 1):
        assert BAD in post_login(client, "clerk1", "wrong").content.decode()
    response = post_login(client, "clerk1", "wrong")
    assert locked_text(15) in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.failed_logins == 5
    assert clerk.locked_until > timezone.now() + timedelta(minutes=14)
    assert logins("failed").count() == 4
    lockout = logins("locked").get()
    assert lockout.detail == {"reason": "bad_password", "failures": 5, "lock_minutes": 15}


def test_locked_account_refuses_even_the_right_password(client, clerk):
    clerk.locked_until = timezone.now() + timedelta(minutes=7, seconds=30)
    clerk.save()
    response = post_login(client, "clerk1", PASSWORD)
    assert locked_text(8) in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert logins().get().outcome == "locked"


def test_lock_expires_and_the_right_password_then_works(client, clerk):
    clerk.failed_logins = 5
    clerk.locked_until = timezone.now() - timedelta(seconds=1)
    clerk.save()
    response = post_login(client, "clerk1", PASSWORD)
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.failed_logins == 0 and clerk.locked_until is None


def test_after_expiry_a_wrong_password_starts_a_new_count(client, clerk):
    clerk.failed_logins = 5
    clerk.locked_until = timezone.now() - timedelta(seconds=1)
    clerk.save()
    assert BAD in post_login(client, "clerk1", "wrong").content.decode()
    clerk.refresh_from_db()
    assert clerk.failed_logins == 1 and clerk.locked_until is None


def test_successful_login_resets_the_counter(client, clerk):
    for _ in range(3):
        post_login(client, "clerk1", "wrong")
    post_login(client, "clerk1", PASSWORD)
    clerk.refresh_from_db()
    assert clerk.failed_logins == 0
    client.logout()
    for _ in range(4):  # four more failures do not lock: the count restarted
        assert BAD in post_login(client, "clerk1", "wrong").content.decode()


def test_limits_come_from_settings(client, clerk, settings):
    settings.BDCDJ_LOGIN_MAX_FAILURES = 2
    settings.BDCDJ_LOGIN_LOCK_MINUTES = 60
    post_login(client, "clerk1", "wrong")
    assert locked_text(60) in post_login(client, "clerk1", "wrong").content.decode()


def test_unknown_user_names_lock_like_real_ones(client, db, settings):
    """Otherwise the lock message would reveal which accounts exist."""
    for _ in range(settings.BDCDJ_LOGIN_MAX_FAILURES - 1):
        assert BAD in post_login(client, "nobody", "x").content.decode()
    assert locked_text(15) in post_login(client, "nobody", "x").content.decode()
    assert locked_text(15) in post_login(client, "nobody", "x").content.decode()
    throttle = LoginThrottle.objects.get()
    assert "nobody" not in throttle.key
    assert throttle.failures == 5
    assert not User.objects.filter(username="nobody").exists()
    assert list(logins().values_list("outcome", flat=True)) == ["failed"] * 4 + ["locked"] * 2


def test_stale_unknown_name_counters_are_pruned(client, db):
    post_login(client, "ghost1", "x")
    LoginThrottle.objects.update(updated_at=timezone.now() - timedelta(days=2))
    post_login(client, "ghost2", "x")
    assert LoginThrottle.objects.count() == 1


def test_a_locked_unknown_name_keeps_its_lock_while_pruning(client, db):
    LoginThrottle.objects.create(key="k" * 64, failures=5, locked_until=timezone.now() + timedelta(days=3))
    LoginThrottle.objects.update(updated_at=timezone.now() - timedelta(days=2))
    post_login(client, "ghost", "x")
    assert LoginThrottle.objects.filter(key="k" * 64).exists()


def test_admin_login_goes_through_the_same_lockout(client, make_user):
    staff = make_user("staff1")
    staff.locked_until = timezone.now() + timedelta(minutes=3)
    staff.save()
    response = post_login(client, "staff1", PASSWORD, url=reverse("admin:login"))
    assert locked_text(3) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_login_wrong_password_message(client, make_user):
    make_user("staff1")
    response = post_login(client, "staff1", "wrong", url=reverse("admin:login"))
    assert BAD in response.content.decode()


def test_programmatic_authenticate_also_honours_the_lock(clerk):
    clerk.locked_until = timezone.now() + timedelta(minutes=5)
    clerk.save()
    assert authenticate(username="clerk1", password=PASSWORD) is None
    clerk.locked_until = None
    clerk.save()
    assert authenticate(username="clerk1", password=PASSWORD) == clerk


@pytest.mark.parametrize("password", ["", None])
def test_missing_password_is_not_counted(client, clerk, password):
    data = {"username": "clerk1"} if password is None else {"username": "clerk1", "password": password}
    client.post(LOGIN_URL, data)
    clerk.refresh_from_db()
    assert clerk.failed_logins == 0
    assert not logins().exists()
