"""注册、登录（手机号 + 短信验证码）、退出、实名核验与人脸核验. Plain forms: 获取验证码 and
登录 are two buttons of one form, so the pages work without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from bdcdj.core.errors import DomainError
from bdcdj.portal.models import SmsPurpose
from bdcdj.portal.services import (
    citizen_face_check,
    citizen_login,
    citizen_register,
    citizen_verify,
    sms_code_send,
)
from bdcdj.portal.session import citizen_session_end, citizen_session_start
from bdcdj.portal.views.common import (
    citizen_page,
    client_ip,
    portal_page,
    render_page,
    safe_next,
    the_citizen,
)


def _phone_form(request: HttpRequest, *, purpose: str, template: str) -> HttpResponse:
    context: dict[str, object] = {
        "phone": request.POST.get("phone", "").strip()[:20],
        "next": safe_next(request, ""),
        "errors": {},
    }
    if request.method != "POST":
        return render_page(request, template, context)
    phone, code = request.POST.get("phone", ""), request.POST.get("code", "")
    try:
        if request.POST.get("op") == "send":
            sms_code_send(phone=phone, purpose=purpose, ip_address=client_ip(request))
            context["sent"] = True
            return render_page(request, template, context)
        if purpose == SmsPurpose.REGISTER:
            citizen = citizen_register(phone=phone, code=code)
            target = reverse("portal:me")
            messages.success(request, "注册成功，请完成实名核验")
        else:
            citizen = citizen_login(phone=phone, code=code)
            target = safe_next(request, reverse("portal:my_cases"))
    except DomainError as exc:
        context.update(error=exc, errors=exc.fields)
        return render_page(request, template, context, status=exc.status_code)
    citizen_session_start(request, citizen)
    return redirect(target)


@portal_page
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    return _phone_form(request, purpose=SmsPurpose.LOGIN, template="portal/login.html")


@portal_page
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    return _phone_form(request, purpose=SmsPurpose.REGISTER, template="portal/register.html")


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    citizen_session_end(request)
    return redirect("portal:landing")


@citizen_page
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    """账号: masked identity; 实名核验 (name + ID number) and the optional 人脸核验."""
    citizen = the_citizen(request)
    context: dict[str, object] = {"errors": {}, "name": "", "face_errors": {}}
    if request.method == "POST":
        try:
            if request.POST.get("op") == "face":
                photo = request.FILES.get("photo")
                data = photo.read(5 * 1024 * 1024 + 1) if photo is not None else b""
                citizen_face_check(citizen=citizen, image=data)
                messages.success(request, "人脸核验通过")
            else:
                citizen_verify(
                    citizen=citizen,
                    name=request.POST.get("name", ""),
                    id_number=request.POST.get("id_number", ""),
                )
                messages.success(request, "实名核验通过，已为您生成电子签名密钥")
            return redirect("portal:me")
        except DomainError as exc:
            key = "face_errors" if request.POST.get("op") == "face" else "errors"
            context.update({"error": exc, key: exc.fields, "name": request.POST.get("name", "")[:50]})
            return render_page(request, "portal/me.html", context, status=exc.status_code)
    return render_page(request, "portal/me.html", context)
