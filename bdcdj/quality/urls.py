from django.urls import path

from bdcdj.quality import views

app_name = "quality"

urlpatterns = [
    path("stats/", views.stats, name="stats"),
    path("stats/export.xlsx", views.stats_export, name="stats_export"),
    path("rules/", views.rules, name="rules"),
    path("rules/export.xlsx", views.rules_export, name="rules_export"),
]
