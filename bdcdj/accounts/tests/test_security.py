"""Password policy, idle session expiry, security headers and CSRF on the login form."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bdcdj.accounts.models import User
from bdcdj.accounts.passwords import CharacterClassValidator
from bdcdj.accounts.tests.conftest import PASSWORD


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1!xyz", "password_too_short"),
        ("abcdefghijkl", "password_classes"),
        ("abcdefgh1234", "password_classes"),
        ("3141592653589793", "password_entirely_numeric"),
        ("Password123", "password_too_common"),
        ("Zhangwei-2024", "password_too_similar"),
    ],
)
def test_weak_passwords_are_refused(password, code, db):
    user = User(username="zhangwei-2024")
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user=user)
    assert code in {error.code for error in exc.value.error_list}


@pytest.mark.parametrize(
    "password", [PASSWORD, "长丰县Registry2024", "correct-horse-battery-9", "Tz8#kq2!Lm"]
)
def test_strong_passwords_pass(password, db):
    validate_password(password, user=User(username="clerk1"))


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("abcdefgh", False),
        ("ABCDEFGH", False),
        ("abcdEFGH", False),
        ("abcdEFG1", True),
        ("abcd123!", True),
        ("ABCD123!", True),
        ("abcdEF!!", True),
    ],
)
def test_character_class_rule_needs_three_of_four(password, ok):
    validator = CharacterClassValidator()
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError) as exc:
            validator.validate(password)
        assert "至少三类" in exc.value.messages[0]


def test_password_help_text_is_chinese():
    assert "至少三类" in CharacterClassValidator().get_help_text()


def test_idle_session_is_sent_back_to_login(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("console:home")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("console:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("console:login"))


def test_each_request_extends_the_idle_timeout(client, clerk, settings):
    client.force_login(clerk)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(seconds=30))
    client.get(reverse("console:home"))
    expires = Session.objects.get(session_key=key).expire_date
    assert expires > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_session_cookie_is_http_only_and_lives_as_long_as_the_idle_timeout(client, clerk, settings):
    response = client.post(reverse("console:login"), {"username": "clerk1", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.parametrize("path", ["/login/", "/accounts/audit/", "/api/accounts/v1/me"])
def test_security_headers_are_sent(client, db, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_login_form_requires_the_csrf_token(clerk):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("console:login"), {"username": "clerk1", "password": PASSWORD})
    assert response.status_code == 403
