from django.contrib.auth import views as auth_views
from django.urls import path

from bdcdj.accounts.views import login_view
from bdcdj.console import views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
