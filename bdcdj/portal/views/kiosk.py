"""Kiosk mode (24小时自助终端) of the portal: large touch screens with an on-screen keypad.

Only a registered terminal (cookie with its id and secret, set once on /portal/kiosk/activate/)
opens these pages; an idle terminal returns to the start screen and forgets the person."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from bdcdj.accounts import pii
from bdcdj.accounts.middleware import CSP
from bdcdj.accounts.services import audit_record
from bdcdj.certs import storage
from bdcdj.core.errors import DomainError, Forbidden, NotFound, invalid_fields
from bdcdj.portal.kiosk_hardware import CardData
from bdcdj.portal.kiosk_session import (
    KEY,
    idle_seconds,
    kiosk_card,
    kiosk_card_set,
    kiosk_end,
    kiosk_state,
    kiosk_touch,
)
from bdcdj.portal.models import KioskDevice
from bdcdj.portal.services import (
    collection_confirm,
    collection_lookup,
    kiosk_card_read,
    kiosk_device_authenticate,
    kiosk_identify,
    kiosk_rating_submit,
)
from bdcdj.portal.services.kiosk import kiosk_device_seen
from bdcdj.query.models import Proof, ProofKind
from bdcdj.query.selectors import properties_of
from bdcdj.query.services.proofs import proof_issue_for_citizen

DEVICE_COOKIE = "portal_kiosk_device"
MAX_CODE_ATTEMPTS = 5
KioskView = Callable[..., HttpResponseBase]


def kiosk_render(
    request: HttpRequest,
    device: KioskDevice,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    person = kiosk_card(request)
    ctx = {
        "device": device,
        "idle_seconds": idle_seconds(),
        "person": person,
        "person_masked": pii.mask_name(person.name) if person else "",
        # The countdown runs on every screen but an untouched start screen.
        "kiosk_active": KEY in request.session or not template.endswith("/start.html"),
        **(context or {}),
    }
    return render(request, template, ctx, status=status)


def _device(request: HttpRequest) -> KioskDevice:
    device_id, _, secret = request.COOKIES.get(DEVICE_COOKIE, "").partition(":")
    return kiosk_device_authenticate(device_id=device_id, secret=secret)


def kiosk_page(*, start: bool = False) -> Callable[[KioskView], KioskView]:
    """Registered terminals only; an idle-expired state sends the page back to the start."""

    def decorate(view: KioskView) -> KioskView:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                device = _device(request)
            except Forbidden as exc:
                return render(request, "portal/kiosk/refused.html", {"error": exc}, status=403)
            timed_out = kiosk_touch(request, device)
            if timed_out and not start:
                return redirect(f"{reverse('portal:kiosk')}?timeout=1")
            kiosk_device_seen(device=device)
            try:
                return view(request, device, *args, **kwargs)
            except DomainError as exc:
                return kiosk_render(
                    request, device, "portal/kiosk/error.html", {"error": exc}, status=exc.status_code
                )

        return wrapped

    return decorate


def activate(request: HttpRequest) -> HttpResponse:
    """One-time set-up of a terminal by staff: its id and secret go into a long-lived cookie."""
    context: dict[str, Any] = {}
    if request.method == "POST":
        device_id = request.POST.get("device_id", "").strip()
        secret = request.POST.get("secret", "").strip()
        try:
            device = kiosk_device_authenticate(device_id=device_id, secret=secret)
        except Forbidden as exc:
            context["error"] = exc
            return render(request, "portal/kiosk/activate.html", context, status=403)
        response = redirect("portal:kiosk")
        response.set_cookie(
            DEVICE_COOKIE,
            f"{device.device_id}:{secret}",
            max_age=10 * 365 * 86400,
            httponly=True,
            samesite="Strict",
            secure=request.is_secure(),
        )
        return response
    return render(request, "portal/kiosk/activate.html", context)


@kiosk_page(start=True)
def start(request: HttpRequest, device: KioskDevice) -> HttpResponse:
    return kiosk_render(
        request, device, "portal/kiosk/start.html", {"timed_out": request.GET.get("timeout") == "1"}
    )


@kiosk_page()
@require_POST
def end(request: HttpRequest, device: KioskDevice) -> HttpResponse:
    kiosk_end(request)
    suffix = "?timeout=1" if request.POST.get("reason") == "timeout" else ""
    return redirect(reverse("portal:kiosk") + suffix)


@kiosk_page()
@require_POST
def ping(request: HttpRequest, device: KioskDevice) -> HttpResponse:
    return HttpResponse(status=204)


NEXT_PAGES = {"query": "portal:kiosk_query", "collect": "portal:kiosk_collect", "rate": "portal:kiosk_rate"}


def _need_person(request: HttpRequest, then: str) -> CardData | HttpResponse:
    person = kiosk_card(request)
    if person is None:
        return redirect(f"{reverse('portal:kiosk_identify')}?{urlencode({'next': then})}")
    return person


@kiosk_page()
def identify(request: HttpRequest, device: KioskDevice) -> HttpResponse:
    """读取身份证 (keypad in the simulated reader), then 人脸核验."""
    then = request.POST.get("next") or request.GET.get("next") or "query"
    then = then if then in NEXT_PAGES else "query"
    context: dict[str, Any] = {"next": then}
    if request.method == "POST":
        try:
            if request.POST.get("step") == "card":
                card = kiosk_card_read(device=device, keyed=request.POST.get("id_number", ""))
                kiosk_card_set(request, device, card, verified=False)
            elif request.POST.get("step") == "face":
                card_read = kiosk_card(request, verified=False)
                if card_read is None:
                    raise invalid_fields({"id_number": "请先读取身份证"})
                kiosk_identify(device=device, card=card_read, photo=_photo(request.POST.get("photo", "")))
                kiosk_card_set(request, device, card_read, verified=True)
                return redirect(NEXT_PAGES[then])
            elif request.POST.get("step") == "reset":
                kiosk_state(request, device).pop("card", None)
        except DomainError as exc:
            context["error"] = exc
            status = exc.status_code
            return kiosk_render(
                request, device, "portal/kiosk/identify.html", _pending(request, context), status=status
            )
    return kiosk_render(request, device, "portal/kiosk/identify.html", _pending(request, context))


def _pending(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    pending = kiosk_card(request, verified=False)
    return {**context, "pending": pending, "pending_masked": pii.mask_name(pending.name) if pending else ""}


def _photo(raw: str) -> bytes:
    """A camera frame posted by a terminal with a real camera (base64), else nothing."""
    raw = raw.split(",", 1)[-1].strip()
    if not raw:
        return b""
    try:
        image = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise invalid_fields({"face": "摄像头图像无法识别"}) from exc
    if len(image) > 5 * 1024 * 1024:
        raise invalid_fields({"face": "摄像头图像过大"})
    return image


@kiosk_page()
def query(request: HttpRequest, device: KioskDevice) -> HttpResponse:
    """本人名下不动产 and the two proofs to print."""
    person = _need_person(request, "query")
    if isinstance(person, HttpResponse):
        return person
    properties = properties_of(id_number=person.id_number)
    audit_record(
        actor=None,
        actor_name=f"kiosk:{device.device_id}",
        action="portal.kiosk_query",
        object_type="portal.kiosk",
        object_id=str(device.pk),
        region_code=device.region_code,
        detail={"id": pii.mask_id_number(person.id_number), "count": len(properties)},
    )
    return kiosk_render(
        request, device, "portal/kiosk/query.html", {"properties": properties, "kinds": ProofKind.choices}
    )


@kiosk_page()
@require_POST
def print_proof(request: HttpRequest, device: KioskDevice) -> HttpResponse:
    person = _need_person(request, "query")
    if isinstance(person, HttpResponse):
        return person
    issued = proof_issue_for_citizen(
        kind=request.POST.get("kind", ""),
        region_code=device.region_code,
        name=person.name,
        id_number=person.id_number,
        purpose="自助终端打印",
    )
    state = kiosk_state(request, device)
    state["proofs"] = [*state.get("proofs", []), issued.proof.pk][-10:]
    return redirect("portal:kiosk_print", proof_id=issued.proof.pk)


def _own_proof(request: HttpRequest, device: KioskDevice, proof_id: int) -> Proof:
    """A proof printed in this terminal session, about the identified person."""
    person = kiosk_card(request)
    state = request.session.get(KEY) or {}
    proof = Proof.objects.filter(pk=proof_id, region_code=device.region_code).first()
    if (
        person is None
        or proof is None
        or proof_id not in state.get("proofs", [])
        or proof.subject_id_index != pii.blind_index(person.id_number)
    ):
        raise NotFound(code="proof_not_found", message="证明不存在或已退出")
    return proof


@kiosk_page()
def print_page(request: HttpRequest, device: KioskDevice, proof_id: int) -> HttpResponse:
    proof = _own_proof(request, device, proof_id)
    response = kiosk_render(request, device, "portal/kiosk/print.html", {"proof": proof})
    response["Content-Security-Policy"] = CSP.replace("object-src 'none'", "object-src 'self'")
    return response


@xframe_options_sameorigin  # shown in the print page's frame (the site default is DENY)
@kiosk_page()
def print_pdf(request: HttpRequest, device: KioskDevice, proof_id: int) -> HttpResponse:
    proof = _own_proof(request, device, proof_id)
    try:
        content = storage.read_decrypted(proof.file_path)
    except storage.StoredFileMissing as exc:
        raise NotFound(code="proof_file_missing", message="证明文件缺失，请到窗口办理") from exc
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{proof.number}.pdf"'
    response["Cache-Control"] = "no-store"
    # Framed by the print page of this site (the site-wide policy forbids any framing).
    response["Content-Security-Policy"] = "default-src 'self'; object-src 'self'; frame-ancestors 'self'"
    return response


@kiosk_page()
def collect(request: HttpRequest, device: KioskDevice) -> HttpResponse:
    """领证码: enter the code, see what to collect, confirm."""
    person = _need_person(request, "collect")
    if isinstance(person, HttpResponse):
        return person
    context: dict[str, Any] = {}
    if request.method == "POST":
        state = kiosk_state(request, device)
        code = request.POST.get("code", "")
        try:
            if request.POST.get("step") == "confirm":
                done = collection_confirm(device=device, code=code, person=person)
                return kiosk_render(request, device, "portal/kiosk/collected.html", {"found": done})
            found = collection_lookup(device=device, code=code, person=person)
            return kiosk_render(request, device, "portal/kiosk/collect.html", {"found": found, "code": code})
        except DomainError as exc:
            state["attempts"] = int(state.get("attempts", 0)) + 1
            if state["attempts"] >= MAX_CODE_ATTEMPTS:
                kiosk_end(request)
                return redirect(f"{reverse('portal:kiosk')}?locked=1")
            context["error"] = exc
            return kiosk_render(request, device, "portal/kiosk/collect.html", context, status=exc.status_code)
    return kiosk_render(request, device, "portal/kiosk/collect.html", context)


SCORES = ((5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "非常不满意"))


@kiosk_page()
def rate(request: HttpRequest, device: KioskDevice) -> HttpResponse:
    """好差评 after service; the session ends with it."""
    if request.method == "POST":
        raw = request.POST.get("score", "")
        score = int(raw) if raw.isdigit() else 0
        rating = kiosk_rating_submit(device=device, score=score, person=kiosk_card(request))
        kiosk_end(request)
        return kiosk_render(request, device, "portal/kiosk/rated.html", {"rating": rating})
    return kiosk_render(request, device, "portal/kiosk/rate.html", {"scores": SCORES})
