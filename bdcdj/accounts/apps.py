from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bdcdj.accounts"
    label = "accounts"
    verbose_name = "账户与权限"

    def ready(self) -> None:
        from bdcdj.accounts import checks, pii  # noqa: F401  (register checks and signal receivers)
