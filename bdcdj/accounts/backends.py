"""Authentication backend that enforces login lockout on every login path (console, admin).

The outcome of the attempt is left on the request (`request.bdcdj_login_result`) so that the
login form can say "locked, try again in N minutes" without asking the database again.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from bdcdj.accounts.models import User
from bdcdj.accounts.services import login_attempt

LOGIN_RESULT_ATTR = "bdcdj_login_result"


class LockoutBackend(ModelBackend):
    """ModelBackend permissions, with authentication through `services.login_attempt`."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        result = login_attempt(username=username, password=password)
        if request is not None:
            setattr(request, LOGIN_RESULT_ATTR, result)
        if result.locked:
            # Stop here: no other backend may let a locked account in.
            raise PermissionDenied("account locked")
        return result.user
