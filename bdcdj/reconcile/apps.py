from django.apps import AppConfig


class ReconcileConfig(AppConfig):
    name = "bdcdj.reconcile"
    label = "reconcile"
    verbose_name = "上下级一致性核对"
