from django.conf import settings
from django.http import HttpRequest

from bdcdj.accounts.selectors import pages_for_user
from bdcdj.console.nav import visible_nav


def node(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    pages = pages_for_user(user=user) if user is not None and user.is_authenticated else {}
    return {
        "node_role": settings.BDCDJ_NODE_ROLE,
        "node_region": settings.BDCDJ_REGION_CODE,
        "nav_pages": pages,
        "nav_groups": visible_nav(pages=pages, is_staff=bool(getattr(user, "is_staff", False)))
        if pages or getattr(user, "is_staff", False)
        else [],
    }
