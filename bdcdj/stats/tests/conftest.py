"""Stats tests reuse the supervision tests' districts, staff and case factory."""

from bdcdj.supervision.tests.conftest import (  # noqa: F401
    _fast_passwords,
    clerk,
    districts,
    make_case,
    make_user,
    other_supervisor,
    reviewer,
    supervisor,
)
