from django.apps import AppConfig


class QueryConfig(AppConfig):
    """Queries of the register for the public and the holders: natural status, my properties,
    无房证明 and 查询结果, express delivery of paper certificates."""

    name = "bdcdj.query"
    label = "query"
    verbose_name = "查询与证明"
    default_auto_field = "django.db.models.BigAutoField"
