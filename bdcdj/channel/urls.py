from django.urls import path

from bdcdj.channel import views

app_name = "channel"

urlpatterns = [
    path("institutions/", views.institutions, name="institutions"),
    path("institutions/export.xlsx", views.institutions_export, name="institutions_export"),
    path("institutions/<int:institution_id>/", views.institution, name="institution"),
    path("institutions/<int:institution_id>/port/", views.port, name="port"),
    path("institutions/<int:institution_id>/keys/", views.key_issue, name="key_issue"),
    path("institutions/<int:institution_id>/keys/<int:key_id>/revoke/", views.key_revoke, name="key_revoke"),
]
