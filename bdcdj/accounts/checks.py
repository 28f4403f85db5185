"""System checks for the keys of personal data, run by `manage.py check` and at start-up."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register


@register("security")
def pii_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if settings.BDCDJ_INDEX_KEY:
        try:
            ok = len(bytes.fromhex(settings.BDCDJ_INDEX_KEY)) >= 16
        except ValueError:
            ok = False
        if not ok:
            problems.append(
                Error("BDCDJ_INDEX_KEY 应为至少 32 个十六进制字符（16 字节）", id="accounts.E001")
            )
        elif settings.BDCDJ_INDEX_KEY.lower() == settings.BDCDJ_PII_KEY.lower():
            problems.append(Error("BDCDJ_INDEX_KEY 不能与 BDCDJ_PII_KEY 相同", id="accounts.E002"))
    elif settings.BDCDJ_ENV == "production":
        problems.append(
            Warning(
                "生产环境建议单独设置 BDCDJ_INDEX_KEY（盲索引密钥），目前由 BDCDJ_PII_KEY 派生",
                id="accounts.W001",
            )
        )
    return problems
