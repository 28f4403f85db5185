from django.contrib import admin
from django.urls import include, path

from bdcdj.api import api

admin.site.site_header = "不动产统一登记平台 管理"
admin.site.site_title = "bdcdj 管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("bdcdj.accounts.urls")),
    path("quality/", include("bdcdj.quality.urls")),
    path("exchange/", include("bdcdj.exchange.urls")),
    path("cases/", include("bdcdj.cases.urls")),
    path("hub/", include("bdcdj.hub.urls")),
    path("monitor/", include("bdcdj.monitor.urls")),
    path("", include("bdcdj.console.urls")),
]
