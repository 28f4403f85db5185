"""Tasks run inside one node of the multi-node demo (its environment, its database):

    python scripts/node_tasks.py setup --title 长丰县 [--demo small|full] [--regions 340121,340122]
    python scripts/node_tasks.py register-cases --count 3 [--business mortgage|transfer]
    python scripts/node_tasks.py resend --biz-msg-id 340121… --reason CBXZ
    python scripts/node_tasks.py relay [--interval 0.2] [--lease 3] [--backoff 1]

`setup` creates the districts (租户) the node serves, the node's admin account and, for the demo
county, the demo data (`load_demo`); it also hands over forward items left pending. It is
idempotent. `register-cases` takes N cases from 收件 to 登簿 through the case services (the
driver of the case tests): a new house titled to a person, then a first mortgage on it (or, with
`--business transfer`, its sale to another person); each 登簿 writes one access message to the
outbox. It prints the BizMsgIDs, one per line. `resend` re-sends an outbox message as the
node's admin would on the outbox page (prints the new BizMsgID).
`relay` is `manage.py relay` with a shorter crash lease and retry backoff, for fault drills
(tests/e2e/test_delivery_faults.py) that must recover within seconds, not minutes.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ADMIN = "admin"
PASSWORD = "Bdcdj#Demo2026"  # the demo password of README.md (demo data only)
NAMES = {
    "100000": "全国",
    "340000": "安徽省",
    "340100": "合肥市",
    "340121": "长丰县",
    "340122": "肥西县",
}


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bdcdj.settings")
    import django

    django.setup()


def _parent(region: str) -> str:
    if region.endswith("0000"):
        return ""
    if region.endswith("00"):
        return region[:2] + "0000"
    return region[:4] + "00"


def setup(*, title: str, demo: str, regions: list[str]) -> None:
    from django.conf import settings

    from bdcdj.accounts.models import User
    from bdcdj.accounts.services import tenant_ensure, user_create
    from bdcdj.cases.services import workflow_ensure_defaults
    from bdcdj.demo.dataset import load_demo
    from bdcdj.hub.services.forward import forward_sweep

    own = str(settings.BDCDJ_REGION_CODE)
    served = list(dict.fromkeys([own, *regions]))
    for region in served:
        name = title if region == own else NAMES.get(region, region)
        tenant_ensure(region_code=region, name=name, province_abbr="皖", parent_code=_parent(region))
    if demo:
        load_demo(size=demo)  # creates the demo accounts (admin, clerk, reviewer, registrar …)
    elif not User.objects.filter(username=ADMIN).exists():
        user_create(
            username=ADMIN,
            password=PASSWORD,
            display_name=f"{title}管理员",
            organisation=None,
            roles=["admin"],
            region_codes=served,
        )
    if settings.BDCDJ_NODE_ROLE == "county":
        workflow_ensure_defaults(region_code=own)
    handed = forward_sweep()
    print(f"{title}（{own}）已就绪；补交转发 {handed} 条")


def register_cases(*, count: int, business: str = "mortgage") -> None:
    from bdcdj.accounts.models import User
    from bdcdj.exchange.models import OutboxMessage
    from bdcdj.register.models import Unit

    # The case tests' driver (test code, loaded untyped): the same service calls as the console.
    h: Any = importlib.import_module("bdcdj.cases.tests.helpers")
    factories: Any = importlib.import_module("bdcdj.register.tests.factories")

    staff = h.Staff(
        clerk=User.objects.get(username="clerk"),
        reviewer=User.objects.get(username="reviewer"),
        registrar=User.objects.get(username="registrar"),
    )
    # The driver numbers parcels and businesses from 1 per process: continue after what exists.
    start = Unit.objects.count() + 1
    h._serials = itertools.count(start)
    factories._numbers = itertools.count(start)
    for _ in range(count):
        [(unit, _right)] = h.titled_house(staff.registrar)
        if business == "transfer":
            parties = [h.BUYER.party("holder"), h.SELLER.party("obligor")]
            case = h.new_case(staff, "house_transfer_sale", [unit.code], parties, {"price": "120.5"})
        else:
            case = h.new_case(
                staff,
                "mortgage_first",
                [unit.code],
                [h.BANK.party("mortgagee"), h.SELLER.party("mortgagor")],
                dict(h.MORTGAGE_DATA),
            )
        case = h.case_register(case=h.to_register(staff, case), by=staff.registrar)
        message = OutboxMessage.objects.get(case_number=case.number)
        print(message.biz_msg_id, flush=True)


def resend(*, biz_msg_id: str, reason: str) -> None:
    from bdcdj.accounts.models import User
    from bdcdj.exchange.models import OutboxMessage
    from bdcdj.exchange.services import outbox_resend

    message = OutboxMessage.objects.get(biz_msg_id=biz_msg_id)
    row = outbox_resend(message=message, reason=reason, by=User.objects.get(username=ADMIN))
    print(row.biz_msg_id, flush=True)


def relay(*, interval: float, lease: float, backoff: float) -> None:
    import datetime as dt

    from django.core.management import call_command

    from bdcdj.exchange.services import relay as relay_module

    relay_module.LEASE = dt.timedelta(seconds=lease)
    relay_module.BACKOFF_BASE_SECONDS = backoff  # type: ignore[assignment]
    relay_module.BACKOFF_CAP_SECONDS = max(backoff, 5)  # type: ignore[assignment]
    relay_module.BATCH_MAX_MESSAGES = 3  # small batches, so a drill can kill mid-stream
    call_command("relay", interval=interval)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="多节点演示：节点内任务")
    tasks = parser.add_subparsers(dest="task", required=True)
    p_setup = tasks.add_parser("setup", help="创建租户、管理员账号（演示县加载演示数据）")
    p_setup.add_argument("--title", required=True)
    p_setup.add_argument("--demo", choices=["", "small", "full"], default="")
    p_setup.add_argument("--regions", default="", help="本节点还管理的下级行政区划，逗号分隔")
    p_cases = tasks.add_parser("register-cases", help="通过业务服务办理 N 件抵押登记至登簿")
    p_cases.add_argument("--count", type=int, default=3)
    p_cases.add_argument("--business", choices=["mortgage", "transfer"], default="mortgage")
    p_resend = tasks.add_parser("resend", help="以管理员身份重新发送一条上报报文")
    p_resend.add_argument("--biz-msg-id", required=True)
    p_resend.add_argument("--reason", choices=["BBXZ", "CBXZ", "BL"], default="CBXZ")
    p_relay = tasks.add_parser("relay", help="发送循环（缩短租约与退避，用于故障演练）")
    p_relay.add_argument("--interval", type=float, default=0.5)
    p_relay.add_argument("--lease", type=float, default=5.0, help="发送中租约（秒）")
    p_relay.add_argument("--backoff", type=float, default=1.0, help="重试退避基数（秒）")
    args = parser.parse_args(argv)
    _django()
    if args.task == "setup":
        regions = [r for r in args.regions.split(",") if r]
        setup(title=args.title, demo=args.demo, regions=regions)
    elif args.task == "register-cases":
        register_cases(count=args.count, business=args.business)
    elif args.task == "resend":
        resend(biz_msg_id=args.biz_msg_id, reason=args.reason)
    else:
        relay(interval=args.interval, lease=args.lease, backoff=args.backoff)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
