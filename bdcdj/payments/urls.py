from django.urls import path

from bdcdj.payments import views

app_name = "payments"

urlpatterns = [
    path("case/<int:case_id>/", views.checkout, name="checkout"),
    path("case/<int:case_id>/result/", views.result, name="result"),
    path("case/<int:case_id>/panel/", views.panel, name="panel"),
    path("receipts/<str:number>.pdf", views.receipt, name="receipt"),
    path("callback/", views.callback, name="callback"),
]
