from django.urls import path

from bdcdj.monitor import views

app_name = "monitor"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ranking.xlsx", views.ranking_export, name="ranking_export"),
    path("recompute", views.recompute, name="recompute"),
    path("nodes/<str:region>/<str:day>/", views.node_day, name="node_day"),
    path("reconcile/<int:run_id>/", views.reconcile_run, name="reconcile_run"),
    path("logs/", views.logs, name="logs"),
    path("logs/export.xlsx", views.logs_export, name="logs_export"),
    path("logs/<int:log_id>/", views.log_detail, name="log"),
]
