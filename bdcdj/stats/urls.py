from django.urls import path

from bdcdj.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("r/<str:code>/", views.report, name="report"),
    path("r/<str:code>/export.xlsx", views.report_export, name="report_export"),
]
