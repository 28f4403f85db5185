"""Errors of the portal beyond the four of `core.errors`."""

from bdcdj.core.errors import DomainError


class RateLimited(DomainError):
    """Too many requests (SMS codes per phone or address, wrong codes): 429."""

    status_code = 429


class ServiceUnavailable(DomainError):
    """A department or app behind the portal is not reachable: 503, "服务暂不可用"."""

    status_code = 503
