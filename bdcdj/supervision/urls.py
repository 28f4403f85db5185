from django.urls import path

from bdcdj.supervision import views

app_name = "supervision"

urlpatterns = [
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert"),
    path("alerts/<int:alert_id>/<str:op>", views.alert_handle, name="alert_handle"),
    path("rules/", views.rules, name="rules"),
    path("rules/<str:code>/", views.rule_edit, name="rule_edit"),
]
