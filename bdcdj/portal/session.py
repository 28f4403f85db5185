"""The portal's own session key: a citizen login never makes `request.user` a staff user, and
a staff login never makes anyone a citizen."""

from django.http import HttpRequest

from bdcdj.portal.models import Citizen

SESSION_KEY = "portal_citizen_id"


def citizen_session_start(request: HttpRequest, citizen: Citizen) -> None:
    request.session.cycle_key()  # no session fixation
    request.session[SESSION_KEY] = citizen.pk
    if hasattr(request, "_portal_citizen"):
        del request._portal_citizen


def citizen_session_end(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    if hasattr(request, "_portal_citizen"):
        del request._portal_citizen
