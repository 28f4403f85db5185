"""Page-level access control for function views and ninja endpoints.

Pages come from the catalogue in `accounts.pages`; a typo in a page code fails at import
time rather than silently letting everyone in or nobody.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bdcdj.accounts.pages import PAGES
from bdcdj.accounts.selectors import require_page
from bdcdj.core.errors import Forbidden

View = TypeVar("View", bound=Callable[..., HttpResponse])


def forbidden_response(request: HttpRequest, error: Forbidden) -> HttpResponse:
    """The 403 page, with the reason in Chinese."""
    return render(request, "accounts/forbidden.html", {"error": error}, status=403)


def page_required(page: str, *, write: bool = False) -> Callable[[View], View]:
    """Let a view run only for users with (write) access to `page`.

    Anonymous users are sent to the login page and come back afterwards; signed-in users
    without the permission get the 403 page.
    """
    if page not in PAGES:
        raise ImproperlyConfigured(f"page {page!r} is not in accounts.pages.PAGES")

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            try:
                require_page(user=request.user, page=page, write=write)
            except Forbidden as exc:
                return forbidden_response(request, exc)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def ensure_page(request: HttpRequest, page: str, write: bool = False) -> None:
    """For ninja endpoints: raise Forbidden (→ 403 JSON) unless the caller may use `page`."""
    require_page(user=request.user, page=page, write=write)
