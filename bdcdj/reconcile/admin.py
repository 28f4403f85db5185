from django.contrib import admin

from bdcdj.reconcile.models import ReconcileRun


@admin.register(ReconcileRun)
class ReconcileRunAdmin(admin.ModelAdmin):
    list_display = ("region_code", "recorded_at", "compared", "differences", "consistency")
    list_filter = ("region_code",)
    readonly_fields = [f.name for f in ReconcileRun._meta.fields]
