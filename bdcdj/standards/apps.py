from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "bdcdj.standards"
    label = "standards"
    verbose_name = "国家标准"

    def ready(self) -> None:
        from bdcdj.standards import signals  # noqa: F401  (connects the cache invalidation)
