from django.urls import path

from bdcdj.huijiao import views

app_name = "huijiao"

urlpatterns = [
    path("packages/", views.packages, name="packages"),
    path("packages/export.xlsx", views.packages_export, name="packages_export"),
    path("packages/out/<int:package_id>/", views.outgoing_detail, name="outgoing"),
    path("packages/out/<int:package_id>/download", views.outgoing_download, name="outgoing_download"),
    path("packages/out/<int:package_id>/report.xlsx", views.outgoing_report, name="outgoing_report"),
    path("packages/in/<int:package_id>/", views.incoming_detail, name="incoming"),
    path("packages/in/<int:package_id>/download", views.incoming_download, name="incoming_download"),
    path("packages/in/<int:package_id>/report.xlsx", views.incoming_report, name="incoming_report"),
]
