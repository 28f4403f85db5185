from django.conf import settings
from django.http import HttpRequest


def node(request: HttpRequest) -> dict[str, str]:
    return {"node_role": settings.BDCDJ_NODE_ROLE, "node_region": settings.BDCDJ_REGION_CODE}
