"""Online mortgage, end to end: from the bank's API submission to the e-certificate PDF.

Everything runs as in production, as separate processes talking real HTTP: the web server
(gunicorn, `bdcdj.wsgi`), the django-tasks database worker (`manage.py db_worker --interval 1`)
that runs automatic review, and the payment simulator. For each case the benchmark, acting as
the bank: POSTs one 抵押权首次登记 item to `/api/channel/v1/mortgages` (收件 + materials + 受理),
asks for the payment order, confirms on the simulator's checkout page (the simulator calls our
callback, which schedules automatic review), polls `/items/{key}` until the 不动产登记证明 is
rendered and downloads its PDF. Cases run one after another; the figures are the wall time per
case (goal: under 60 s each). Setup (district, auto workflows, bank, titled houses) is not timed.
"""

from __future__ import annotations

import base64
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import free_port

CASES = 20
POLL_SECONDS = 0.2
CASE_TIMEOUT = 180
ROOT = Path(__file__).resolve().parent.parent


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"{url} 的进程已退出")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return  # answering, even with an error page
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} 未能启动")


def _http(
    url: str, *, token: str = "", body: Any = None, form: bytes | None = None
) -> tuple[int, bytes, str]:
    headers = {"X-Api-Key": token} if token else {}
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    elif form is not None:
        data, headers["Content-Type"] = form, "application/x-www-form-urlencoded"

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    request = urllib.request.Request(
        url, data=data, headers=headers, method="POST" if data is not None else "GET"
    )
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=60) as response:
            return response.status, response.read(), response.headers.get("Location", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers.get("Location", "")


def _setup(count: int) -> tuple[str, list[tuple[str, Any]]]:
    """District with auto review for mortgages, the bench bank with a fresh key, titled houses."""
    from bdcdj.accounts.models import Organisation, User
    from bdcdj.accounts.services import organisation_create, tenant_ensure, user_create
    from bdcdj.cases.services import workflow_ensure_defaults
    from bdcdj.cases.tests.helpers import BANK, REGION, SELLER
    from bdcdj.channel.demo import auto_review_configure
    from bdcdj.channel.models import Institution
    from bdcdj.channel.services import api_key_issue, institution_register
    from bdcdj.register.models import PartyRole
    from bdcdj.register.services import record
    from bdcdj.register.tests import factories as f
    from bdcdj.standards.services import unit_code_allocate_parcel

    tenant_ensure(region_code=REGION, name="长丰县", province_abbr="皖", parent_code="340100")
    workflow_ensure_defaults(region_code=REGION)

    def user(name: str, role: str) -> User:
        return User.objects.filter(username=name).first() or user_create(
            username=name,
            password="Kx7#mQ2v-Lp9!wZ",
            display_name="基准测试",
            organisation=None,
            roles=[role],
            region_codes=[REGION],
        )

    auto_review_configure(region_code=REGION, by=user("bench-admin", "admin"))
    organisation = Organisation.objects.filter(code="BENCH-BANK").first() or organisation_create(
        code="BENCH-BANK", name=BANK.name, kind=Organisation.Kind.BANK, region_code=REGION
    )
    institution = Institution.objects.filter(organisation=organisation).first() or institution_register(
        organisation=organisation, credit_code=BANK.id_number
    )
    institution.port_open = True
    institution.save(update_fields=["port_open"])
    token = api_key_issue(institution=institution, name="基准测试").token
    parcel = unit_code_allocate_parcel(
        region_code=REGION,
        zone="009",
        subzone="008",
        ownership_letter="G",
        parcel_type_letter="B",
        fixture_letter="F",
    )
    item = f.first_registration(households=count, parcel=parcel, holders=(SELLER.spec(PartyRole.HOLDER),))
    units = [
        right.unit.code for right in record(item=item, by=user("bench-registrar", "registrar")).rights_created
    ]
    return token, [(code, SELLER) for code in units]


def _one(base: str, token: str, key: str, unit_code: str, owner: Any) -> dict[str, float]:
    from bdcdj.cases.tests.helpers import MORTGAGE_DATA, PDF

    pdf = base64.b64encode(PDF).decode()
    item = {
        "idempotency_key": key,
        "unit_codes": [unit_code],
        "mortgagors": [{"name": owner.name, "id_type": "1", "id_number": owner.id_number}],
        "data": dict(MORTGAGE_DATA),
        "materials": [
            {"checklist_code": c, "content_base64": pdf}
            for c in ("application", "identity", "certificate", "mortgage_contract")
        ],
    }
    api = f"{base}/api/channel/v1"
    started = time.perf_counter()
    status, body, _ = _http(f"{api}/mortgages", token=token, body={"items": [item]})
    result = json.loads(body)
    if status != 200 or result["created"] != 1:
        raise RuntimeError(f"提交失败：{status} {body[:300]!r}")
    submitted = time.perf_counter()
    status, body, _ = _http(f"{api}/items/{key}/payment", token=token, body={})
    if status != 200:
        raise RuntimeError(f"创建支付订单失败：{status} {body[:300]!r}")
    pay_url = json.loads(body)["pay_url"]
    _http(pay_url)  # the payer opens the checkout page
    status, _, _ = _http(f"{pay_url}/confirm", form=b"")
    if status != 303:
        raise RuntimeError(f"模拟支付失败：{status}")
    paid = time.perf_counter()
    while True:
        status, body, _ = _http(f"{api}/items/{key}", token=token)
        case = json.loads(body)["case"]
        certificates = case["certificates"]
        if certificates and all(c["rendered"] for c in certificates):
            break
        if time.perf_counter() - started > CASE_TIMEOUT:
            raise RuntimeError(f"{key} 超时：{case['stage_label']} {case['auto_note']}")
        time.sleep(POLL_SECONDS)
    status, content, _ = _http(base + certificates[0]["pdf_url"], token=token)
    if status != 200 or not content.startswith(b"%PDF"):
        raise RuntimeError(f"{key} 证明 PDF 下载失败：{status}")
    done = time.perf_counter()
    return {
        "total": done - started,
        "submit": submitted - started,
        "pay": paid - submitted,
        "auto": done - paid,
    }


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 2),
        "max": round(ordered[-1], 2),
        "mean": round(statistics.fmean(ordered), 2),
    }


def run(*, scale: float) -> dict[str, Any]:
    from django.conf import settings

    count = max(3, int(CASES * scale))
    token, units = _setup(count)
    web_port, sim_port = free_port(), free_port()
    base = f"http://127.0.0.1:{web_port}"
    env = {
        **os.environ,
        "DATABASE_URL": settings.DATABASE_URL,
        "BDCDJ_PAYMENT_URL": f"http://127.0.0.1:{sim_port}",
        "BDCDJ_PAYMENT_SECRET": settings.BDCDJ_PAYMENT_SECRET,
        "DJANGO_SETTINGS_MODULE": "bdcdj.settings",
    }
    py = sys.executable
    processes = {
        "simulator": subprocess.Popen(
            [
                py,
                "-m",
                "bdcdj.payments.simulator",
                "--port",
                str(sim_port),
                "--secret",
                env["BDCDJ_PAYMENT_SECRET"],
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        "web": subprocess.Popen(
            [
                py,
                "-m",
                "gunicorn",
                "bdcdj.wsgi:application",
                "--bind",
                f"127.0.0.1:{web_port}",
                "--workers",
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        "worker": subprocess.Popen(
            [py, "manage.py", "db_worker", "--interval", "1", "--no-reload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    }
    try:
        _wait(f"http://127.0.0.1:{sim_port}/healthz", processes["simulator"])
        _wait(f"{base}/login/", processes["web"])
        stamp = time.strftime("%Y%m%d%H%M%S")
        timings = [
            _one(base, token, f"bench-{stamp}-{n}", code, owner) for n, (code, owner) in enumerate(units)
        ]
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    totals = [t["total"] for t in timings]
    return {
        "cases": len(timings),
        "goal_seconds": 60,
        "within_goal": sum(t < 60 for t in totals),
        "seconds_per_case": _stats(totals),
        "submit_seconds": _stats([t["submit"] for t in timings]),
        "payment_seconds": _stats([t["pay"] for t in timings]),
        "payment_to_certificate_seconds": _stats([t["auto"] for t in timings]),
        "worker_poll_interval_seconds": 1,
        "web_workers": 2,
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }
