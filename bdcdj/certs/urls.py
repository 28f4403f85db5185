from django.urls import path

from bdcdj.certs import views

app_name = "certs"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("upload/", views.verify_upload, name="verify_upload"),
    path("<path:number>", views.verify, name="verify_number"),
]
