from django.contrib.auth import views as auth_views
from django.urls import path

from bdcdj.accounts.views import login_view
from bdcdj.console import views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("units/", views.unit_search, name="units"),
    path("units/export.xlsx", views.unit_search_export, name="units_export"),
    path("units/<str:code>/", views.unit_detail, name="unit"),
    path("chain/", views.chain_check, name="chain"),
]
