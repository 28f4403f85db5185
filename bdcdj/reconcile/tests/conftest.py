from bdcdj.hub.tests.conftest import county_node, fast_password_hashing, sender  # noqa: F401
