"""The case tests' fixtures (districts, staff, isolated MEDIA_ROOT) reused: certificates and
proofs are made by the same case path."""

from bdcdj.cases.tests.conftest import _isolated, admin_user, districts, make_user, outsider, staff
from bdcdj.certs.tests.conftest import _signing_dir, rate_limits

__all__ = [
    "_isolated",
    "_signing_dir",
    "admin_user",
    "districts",
    "make_user",
    "outsider",
    "rate_limits",
    "staff",
]
