from django.contrib import admin

from bdcdj.recognition.models import Recognition, ReviewRun


@admin.register(Recognition)
class RecognitionAdmin(admin.ModelAdmin):
    list_display = ("case", "material", "kind", "path", "status", "confidence", "created_at")
    list_filter = ("kind", "path", "status")
    exclude = ("fields_enc",)
    readonly_fields = [f.name for f in Recognition._meta.fields if f.name != "fields_enc"]


@admin.register(ReviewRun)
class ReviewRunAdmin(admin.ModelAdmin):
    list_display = ("case", "trigger", "matches", "mismatches", "missing", "decisive", "created_at")
    list_filter = ("trigger", "decisive")
    readonly_fields = [f.name for f in ReviewRun._meta.fields]
