"""Pages of the hub: received messages and the 销账 list, message detail, the node registry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from lxml import etree

from bdcdj.accounts.decorators import page_required
from bdcdj.accounts.selectors import can_view_pii, require_tenant, user_can
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import DomainError, NotFound
from bdcdj.core.xlsx import xlsx_bytes, xlsx_response
from bdcdj.hub.forms import MessageFilterForm
from bdcdj.hub.models import ReceivedMessage
from bdcdj.hub.selectors import message_get, messages_for_user, nodes_for_user
from bdcdj.hub.services import node_set_active

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000
EXPORT_COLUMNS = (
    "业务报文ID",
    "来源节点",
    "行政区划",
    "业务编码",
    "登记类型",
    "不动产单元号",
    "业务流水号",
    "接收时间",
    "状态",
    "响应代码",
    "响应信息",
    "销账状态",
)


def _list(request: HttpRequest, *, clearance_open: bool) -> HttpResponse:
    form = MessageFilterForm(request.GET)
    valid = form.is_valid()
    rows = (
        messages_for_user(user=request.user, filters=form.to_filter(clearance_open=clearance_open))
        if valid
        else ReceivedMessage.objects.none()
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "form": form,
        "page_obj": page,
        "query": query.urlencode(),
        "clearance_open": clearance_open,
        "list_url": "hub:clearance" if clearance_open else "hub:messages",
    }
    template = "hub/_message_table.html" if getattr(request, "htmx", False) else "hub/message_list.html"
    return render(request, template, context, status=200 if valid else 400)


@page_required("hub.messages")
def message_list(request: HttpRequest) -> HttpResponse:
    return _list(request, clearance_open=False)


@page_required("hub.messages")
def clearance_list(request: HttpRequest) -> HttpResponse:
    """Rejected messages not yet cleared (未销账): to be corrected and re-sent by the node."""
    return _list(request, clearance_open=True)


@page_required("hub.messages")
def message_export(request: HttpRequest) -> HttpResponse:
    form = MessageFilterForm(request.GET)
    if not form.is_valid():
        return _list(request, clearance_open=False)
    filters = form.to_filter(clearance_open=request.GET.get("clearance") == "open")
    rows = messages_for_user(user=request.user, filters=filters)[:EXPORT_MAX_ROWS]
    content, count = xlsx_bytes(
        sheet_title="接收报文", headers=EXPORT_COLUMNS, rows=(_row(m) for m in rows.iterator(chunk_size=2000))
    )
    audit_record(actor=request.user, action="hub.messages_export", detail={"rows": count})
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    return xlsx_response(filename=f"hub-messages-{stamp}.xlsx", content=content)


def _row(m: ReceivedMessage) -> list[object]:
    return [
        m.biz_msg_id,
        m.node.region_code,
        m.region_code,
        m.rectype,
        m.reg_type,
        m.estate_num,
        m.rec_flow_id,
        timezone.localtime(m.received_at).strftime("%Y-%m-%d %H:%M:%S"),
        m.get_status_display(),
        m.response_code,
        m.response_info,
        m.get_clearance_display(),
    ]


@page_required("hub.messages")
def message_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    try:
        message = message_get(user=request.user, message_id=message_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    show_xml = can_view_pii(user=request.user)
    pretty = ""
    if show_xml:
        pretty = _pretty(bytes(message.xml))
        audit_record(
            actor=request.user,
            action="hub.message_xml_view",
            object_type="hub.message",
            object_id=message.biz_msg_id,
            region_code=message.region_code,
        )
    context = {
        "message": message,
        "show_xml": show_xml,
        "pretty_xml": pretty,
        "corrections": message.corrections.order_by("received_at"),
    }
    return render(request, "hub/message_detail.html", context)


def _pretty(xml: bytes) -> str:
    """Indented XML for reading. The stored bytes passed the hardened parser when received."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=True)
    try:
        root = etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError:
        return xml.decode("utf-8", errors="replace")
    return str(etree.tostring(root, pretty_print=True, encoding="unicode"))


@page_required("hub.nodes")
def node_list(request: HttpRequest) -> HttpResponse:
    context = {
        "nodes": nodes_for_user(user=request.user),
        "can_write": user_can(user=request.user, page="hub.nodes", write=True),
    }
    return render(request, "hub/node_list.html", context)


@require_POST
@page_required("hub.nodes", write=True)
def node_toggle(request: HttpRequest, region_code: str) -> HttpResponse:
    active = request.POST.get("active") == "1"
    try:
        require_tenant(user=request.user, region_code=region_code)
        node = node_set_active(region_code=region_code, active=active)
    except DomainError as exc:
        flash.error(request, exc.message)
        return redirect("hub:nodes")
    audit_record(
        actor=request.user,
        action="hub.node_activate" if active else "hub.node_deactivate",
        object_type="hub.node",
        object_id=region_code,
        region_code=region_code,
    )
    flash.success(request, f"节点 {node} 已{'启用' if active else '停用'}")
    return redirect("hub:nodes")
