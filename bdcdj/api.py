"""The machine API root. Each app contributes a ninja Router; errors map to one JSON shape."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import django_auth

from bdcdj.core.errors import DomainError

api = NinjaAPI(
    title="bdcdj 不动产统一登记平台 API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    auth=django_auth,
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status_code)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", []) if part not in {"body", "query", "path", "payload"}]
        fields[".".join(loc) or "请求"] = _zh_validation_message(err)
    body = {"code": "invalid_input", "message": "请求数据格式有误", "fields": fields}
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {"code": "not_authenticated", "message": "请先登录", "fields": {}}
    return api.create_response(request, body, status=401)


def _zh_validation_message(err: dict) -> str:
    kind = str(err.get("type", ""))
    if kind == "missing":
        return "必填"
    if kind.startswith("string_too_long"):
        return "长度超出限制"
    if kind.startswith("string_too_short"):
        return "长度不足"
    if kind in {"int_parsing", "int_type", "float_parsing", "decimal_parsing", "decimal_type"}:
        return "应为数字"
    if kind.startswith("date") or kind.startswith("datetime"):
        return "日期格式有误"
    return "格式有误"


def _mount() -> None:
    from bdcdj.accounts.api import router as accounts_router
    from bdcdj.cadastre.api import router as cadastre_router
    from bdcdj.cases.api import router as cases_router
    from bdcdj.certs.api import router as certs_router
    from bdcdj.channel.api import router as channel_router
    from bdcdj.exchange.api import router as outbox_router
    from bdcdj.hub.api import router as hub_router
    from bdcdj.huijiao.api import router as huijiao_router
    from bdcdj.monitor.api import router as monitor_router
    from bdcdj.precise.api import router as precise_router
    from bdcdj.quality.api import router as quality_router
    from bdcdj.query.api import router as query_router
    from bdcdj.recognition.api import router as recognition_router
    from bdcdj.reconcile.api import router as reconcile_router
    from bdcdj.register.api import router as register_router
    from bdcdj.sharing.api import router as sharing_router
    from bdcdj.standards.api import router as standards_router
    from bdcdj.stock.api import router as stock_router

    api.add_router("/standards/", standards_router)
    api.add_router("/accounts/v1/", accounts_router)
    api.add_router("/register/v1/", register_router)
    api.add_router("/cadastre/v1/", cadastre_router)
    api.add_router("/reconcile/v1/", reconcile_router)
    api.add_router("/quality/v1/", quality_router)
    api.add_router("/cases/v1/", cases_router)
    api.add_router("/channel/v1/", channel_router)
    api.add_router("/exchange/v1/outbox/", outbox_router)
    api.add_router("/exchange/v1/", hub_router)
    api.add_router("/monitor/v1/", monitor_router)
    api.add_router("/stock/v1/", stock_router)
    api.add_router("/huijiao/v1/", huijiao_router)
    api.add_router("/certs/v1/", certs_router)
    api.add_router("/query/v1/", query_router)
    from django.conf import settings

    if settings.BDCDJ_ZONE in {"internet", "all"}:
        from bdcdj.portal.api import router as portal_router

        api.add_router("/portal/v1/", portal_router)
    api.add_router("/sharing/v1/", sharing_router)
    api.add_router("/precise/v1/", precise_router)
    api.add_router("/recognition/v1/", recognition_router)
    from bdcdj.ledger.api import router as ledger_router

    api.add_router("/ledger/v1/", ledger_router)


_mount()
