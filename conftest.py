"""Project-wide pytest configuration: database selection comes from DATABASE_URL."""

import os

os.environ.setdefault("BDCDJ_ENV", "test")
