"""A management command run by the worker, so periodic commands need no cron (core.schedule)."""

from __future__ import annotations

import io

from django.core.management import call_command
from django_tasks import task


@task()
def management_command(name: str, args: list[str]) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()[-2000:]
