from bdcdj.channel.tests.conftest import _isolated, world  # noqa: F401  (shared fixtures)
