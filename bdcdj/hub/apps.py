from django.apps import AppConfig


class HubConfig(AppConfig):
    """Receiving side of the node network: lower nodes, received access messages, the mirror."""

    name = "bdcdj.hub"
    label = "hub"
    verbose_name = "报文接收与下级节点"
    default_auto_field = "django.db.models.BigAutoField"
