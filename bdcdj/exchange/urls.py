from django.urls import path

from bdcdj.exchange import views

app_name = "exchange"

urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/export.xlsx", views.outbox_export, name="outbox_export"),
    path("outbox/<int:message_id>/", views.outbox_detail, name="outbox_detail"),
    path("outbox/<int:message_id>/resend", views.outbox_resend_view, name="outbox_resend"),
]
