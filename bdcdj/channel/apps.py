from django.apps import AppConfig


class ChannelConfig(AppConfig):
    """机构通道: banks and developers submit applications in batches with API keys."""

    name = "bdcdj.channel"
    label = "channel"
    verbose_name = "机构通道"
    default_auto_field = "django.db.models.BigAutoField"
