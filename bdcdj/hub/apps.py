from django.apps import AppConfig


class HubConfig(AppConfig):
    """Receiving side of the node network: lower nodes, received access messages, the mirror."""

    name = "bdcdj.hub"
    label = "hub"
    verbose_name = "报文接收与下级节点"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bdcdj.exchange.services.hooks import on_rejected
        from bdcdj.hub.services.passdown import forward_rejection_record

        on_rejected(forward_rejection_record)  # a refusal from above is kept for the node below
