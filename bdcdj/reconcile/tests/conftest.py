from bdcdj.hub.tests.conftest import (  # noqa: F401
    county_node,
    districts,
    fast_password_hashing,
    make_user,
    sender,
)
