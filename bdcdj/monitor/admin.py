from django.contrib import admin

from bdcdj.monitor.models import DailyLog, DailyMetric, ReceivedDailyLog


@admin.register(DailyLog)
class DailyLogAdmin(admin.ModelAdmin):
    list_display = (
        "region_code",
        "day",
        "status",
        "register_total",
        "access_total",
        "sent_at",
        "response_code",
    )
    list_filter = ("status",)
    exclude = ("xml",)
    readonly_fields = [f.name for f in DailyLog._meta.fields if f.name != "xml"]


@admin.register(ReceivedDailyLog)
class ReceivedDailyLogAdmin(admin.ModelAdmin):
    list_display = ("region_code", "day", "register_total", "matched", "missing_count", "unregistered_count")
    exclude = ("xml",)
    readonly_fields = [f.name for f in ReceivedDailyLog._meta.fields if f.name != "xml"]


@admin.register(DailyMetric)
class DailyMetricAdmin(admin.ModelAdmin):
    list_display = ("region_code", "day", "stability", "completeness", "within_workday", "score")
    readonly_fields = [f.name for f in DailyMetric._meta.fields]
