from django.apps import AppConfig


class StockConfig(AppConfig):
    """存量数据导入: legacy registers mapped to the national tables, staged, linked, checked and
    loaded into the register."""

    name = "bdcdj.stock"
    label = "stock"
    verbose_name = "存量数据导入"
    default_auto_field = "django.db.models.BigAutoField"
