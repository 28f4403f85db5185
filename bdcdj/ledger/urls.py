from django.urls import path

from bdcdj.ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("upload/", views.verify_upload, name="verify_upload"),
]
