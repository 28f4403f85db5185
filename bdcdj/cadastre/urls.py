from django.urls import path

from bdcdj.cadastre import views

app_name = "cadastre"

urlpatterns = [
    path("map/", views.map_page, name="map"),
]
