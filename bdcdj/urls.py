from django.conf import settings
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
    path("cadastre/", include("bdcdj.cadastre.urls")),
    path("exchange/", include("bdcdj.exchange.urls")),
    path("cases/", include("bdcdj.cases.urls")),
    path("channel/", include("bdcdj.channel.urls")),
    path("payments/", include("bdcdj.payments.urls")),
    path("hub/", include("bdcdj.hub.urls")),
    path("monitor/", include("bdcdj.monitor.urls")),
    path("stock/", include("bdcdj.stock.urls")),
    path("huijiao/", include("bdcdj.huijiao.urls")),
    path("precise/", include("bdcdj.precise.urls")),
    path("verify/", include("bdcdj.certs.urls")),
    path("ledger/", include("bdcdj.ledger.urls")),
    path("query/", include("bdcdj.query.urls")),
    path("sharing/", include("bdcdj.sharing.urls")),
    path("recognition/", include("bdcdj.recognition.urls")),
    path("portal-admin/", include("bdcdj.portal.console_urls")),
    path("stats/", include("bdcdj.stats.urls")),
    path("supervision/", include("bdcdj.supervision.urls")),
    path("buildings/", include("bdcdj.console.urls_building")),
    path("", include("bdcdj.ops.urls")),  # /healthz, /readyz, /metrics
    path("", include("bdcdj.console.urls")),
]

# The citizen portal lives in the internet zone (and in the all-in-one development setup).
if settings.BDCDJ_ZONE in {"internet", "all"}:
    urlpatterns.insert(0, path("portal/", include("bdcdj.portal.urls")))
