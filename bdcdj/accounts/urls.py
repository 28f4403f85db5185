from django.urls import path

from bdcdj.accounts import views

app_name = "accounts"

urlpatterns = [
    path("audit/", views.audit_list, name="audit"),
    path("audit/export.xlsx", views.audit_export, name="audit_export"),
]
