"""The catalogue of integrity-risk rules (廉政风险防控规则), declared once as data.

Each rule has a stable code, a name, a default severity, typed parameters an administrator may
change (`RuleSetting`), and an evaluator that reads one district through the owning apps'
selectors and returns hits. Evaluators are pure reads; `services.rules_run` turns hits into
deduplicated alerts.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from bdcdj.accounts.selectors import audit_daily_counts
from bdcdj.cases.selectors.oversight import (
    cases_overdue_in,
    fee_waivers_in,
    registrations_in,
    self_approvals_in,
)
from bdcdj.certs.selectors import numbers_voided_repeatedly
from bdcdj.core.workdays import is_workday, workdays_between
from bdcdj.supervision.models import Severity

# Audited reads of a person's data or holdings (owner search, clear-text reveals).
PERSON_QUERY_ACTIONS = "register.owner_search,register.party_reveal,cases.party_reveal,pii.reveal"


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    kind: str  # int | decimal | float | time | list
    default: str
    help: str = ""

    def parse(self, raw: object) -> Any:
        """The typed value; ValueError with a Chinese message when it does not fit."""
        text = str(raw).strip()
        try:
            if self.kind == "int":
                value = int(text)
                if value < 0:
                    raise ValueError
                return value
            if self.kind == "decimal":
                number = Decimal(text)
                if number < 0 or not number.is_finite():
                    raise ValueError
                return number
            if self.kind == "float":
                real = float(text)
                if real <= 0 or not math.isfinite(real):
                    raise ValueError
                return real
            if self.kind == "time":
                return dt.time.fromisoformat(text)
            if self.kind == "list":
                items = [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]
                if not items:
                    raise ValueError
                return items
        except (ValueError, InvalidOperation) as exc:
            raise ValueError(_KIND_HELP[self.kind]) from exc
        raise ValueError(f"未知参数类型 {self.kind}")


_KIND_HELP = {
    "int": "应为非负整数",
    "decimal": "应为非负金额",
    "float": "应为正数",
    "time": "应为时间，如 08:30",
    "list": "应为以逗号分隔的代码",
}


@dataclass(frozen=True)
class Hit:
    """What a rule found: the subject (stable key for deduplication) and why."""

    subject_type: str
    subject_key: str
    subject_label: str
    message: str
    occurred_at: dt.datetime
    case_id: int | None = None
    staff_id: int | None = None
    staff_name: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


Evaluator = Callable[..., list[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    description: str
    params: tuple[Param, ...]
    evaluate: Evaluator
    at_event: bool = False  # also evaluated for one case when it happens

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.parse(p.default) for p in self.params}


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _window(now: dt.datetime, days: int) -> tuple[dt.datetime, dt.datetime]:
    return _midnight(timezone.localdate(now) - dt.timedelta(days=days)), now + dt.timedelta(seconds=1)


def _case_overdue(
    *, region_code: str, now: dt.datetime, p: Mapping[str, Any], case_id: int | None = None
) -> list[Hit]:
    today = timezone.localdate(now)
    hits = []
    for row in cases_overdue_in(region_code=region_code, today=today):
        late = workdays_between(row["deadline"], today)
        if late <= p["grace_workdays"]:
            continue
        hits.append(
            Hit(
                subject_type="case",
                subject_key=f"case:{row['id']}",
                subject_label=f"业务 {row['number']}",
                message=f"业务 {row['number']} 已超过办结期限 {row['deadline']:%Y-%m-%d}"
                f"（时限 {row['time_limit_workdays']} 个工作日，已超 {late} 个工作日）",
                occurred_at=_midnight(row["deadline"] + dt.timedelta(days=1)),
                case_id=row["id"],
                detail={
                    "deadline": row["deadline"].isoformat(),
                    "late_workdays": late,
                    "step": row["step_code"],
                },
            )
        )
    return hits


def _register_after_hours(
    *, region_code: str, now: dt.datetime, p: Mapping[str, Any], case_id: int | None = None
) -> list[Hit]:
    start, end = _window(now, p["lookback_days"])
    rows = registrations_in(region_code=region_code, start=start, end=end, case_id=case_id)
    workday: dict[dt.date, bool] = {}
    hits = []
    for row in rows:
        local = timezone.localtime(row["at"])
        day = local.date()
        if day not in workday:
            workday[day] = is_workday(day)
        if workday[day] and p["work_start"] <= local.time() < p["work_end"]:
            continue
        why = "工作日" if workday[day] else "非工作日"
        hits.append(
            Hit(
                subject_type="case",
                subject_key=f"case:{row['case_id']}",
                subject_label=f"业务 {row['case__number']}",
                message=f"业务 {row['case__number']} 于{why} {local:%Y-%m-%d %H:%M} 登簿"
                f"（工作时间 {p['work_start']:%H:%M}–{p['work_end']:%H:%M}）",
                occurred_at=row["at"],
                case_id=row["case_id"],
                staff_id=row["by_id"],
                staff_name=row["by_name"],
                detail={"registered_at": local.isoformat(), "workday": workday[day]},
            )
        )
    return hits


def _self_approval(
    *, region_code: str, now: dt.datetime, p: Mapping[str, Any], case_id: int | None = None
) -> list[Hit]:
    start, end = _window(now, p["lookback_days"])
    return [
        Hit(
            subject_type="case",
            subject_key=f"case:{row['case_id']}",
            subject_label=f"业务 {row['case__number']}",
            message=f"业务 {row['case__number']} 由受理人本人审核同意（{row['step_name']}）",
            occurred_at=row["at"],
            case_id=row["case_id"],
            staff_id=row["by_id"],
            staff_name=row["by_name"],
            detail={"step": row["step_name"]},
        )
        for row in self_approvals_in(region_code=region_code, start=start, end=end, case_id=case_id)
    ]


def _query_volume(
    *, region_code: str, now: dt.datetime, p: Mapping[str, Any], case_id: int | None = None
) -> list[Hit]:
    """Per staff member and day: above the fixed threshold, or a z-score against the member's
    own preceding `baseline_days` (days without queries count as 0)."""
    today = timezone.localdate(now)
    first_checked = today - dt.timedelta(days=p["lookback_days"])
    rows = audit_daily_counts(
        region_code=region_code,
        actions=p["actions"],
        date_from=first_checked - dt.timedelta(days=p["baseline_days"]),
        date_to=today,
    )
    per_actor: dict[int, dict[dt.date, int]] = defaultdict(dict)
    names: dict[int, str] = {}
    for row in rows:
        per_actor[row["actor_id"]][row["day"]] = row["n"]
        names[row["actor_id"]] = row["actor_name"]
    hits = []
    for actor_id, days in per_actor.items():
        for day, n in sorted(days.items()):
            if day < first_checked:
                continue
            baseline = [days.get(day - dt.timedelta(days=i), 0) for i in range(1, p["baseline_days"] + 1)]
            active = sum(1 for v in baseline if v)
            mean = sum(baseline) / len(baseline) if baseline else 0.0
            std = math.sqrt(sum((v - mean) ** 2 for v in baseline) / len(baseline)) if baseline else 0.0
            z = (n - mean) / max(std, 1.0)  # a flat baseline must not turn +1 into an outlier
            over = n > p["daily_threshold"]
            unusual = active >= p["min_baseline_days"] and z >= p["z_score"]
            if not (over or unusual):
                continue
            why = (
                f"超过每日上限 {p['daily_threshold']}"
                if over
                else f"为本人近期日均 {mean:.1f} 的异常值（z={z:.1f}）"
            )
            hits.append(
                Hit(
                    subject_type="staff_day",
                    subject_key=f"staff:{actor_id}:{day.isoformat()}",
                    subject_label=f"{names[actor_id]} {day:%Y-%m-%d}",
                    message=f"{names[actor_id]} 于 {day:%Y-%m-%d} 查询个人信息 {n} 次，{why}",
                    occurred_at=_midnight(day),
                    staff_id=actor_id,
                    staff_name=names[actor_id],
                    detail={"day": day.isoformat(), "count": n, "mean": round(mean, 2), "z": round(z, 2)},
                )
            )
    return hits


def _fee_waiver(
    *, region_code: str, now: dt.datetime, p: Mapping[str, Any], case_id: int | None = None
) -> list[Hit]:
    start, end = _window(now, p["lookback_days"])
    return [
        Hit(
            subject_type="fee",
            subject_key=f"fee:{row['id']}",
            subject_label=f"业务 {row['case__number']} {row['name']}",
            message=f"业务 {row['case__number']} 减免“{row['name']}” {row['amount']} 元"
            f"（不低于 {p['min_amount']} 元），原因：{row['waiver_reason'] or '—'}",
            occurred_at=row["case__accepted_at"],
            case_id=row["case_id"],
            staff_id=row["approved_by_id"],
            staff_name=row["approved_by__username"] or "",
            detail={"amount": str(row["amount"]), "fee": row["name"]},
        )
        for row in fee_waivers_in(region_code=region_code, start=start, end=end, min_amount=p["min_amount"])
    ]


def _cert_void_repeated(
    *, region_code: str, now: dt.datetime, p: Mapping[str, Any], case_id: int | None = None
) -> list[Hit]:
    since, _ = _window(now, p["lookback_days"])
    return [
        Hit(
            subject_type="certificate",
            subject_key=f"cert:{row['number']}",
            subject_label=f"证号 {row['number']}",
            message=f"证号 {row['number']} 在 {p['lookback_days']} 天内作废 {row['voids']} 次",
            occurred_at=row["last_voided_at"],
            detail={"voids": row["voids"]},
        )
        for row in numbers_voided_repeatedly(region_code=region_code, since=since, min_voids=p["min_voids"])
    ]


_LOOKBACK = "回溯天数"

CATALOGUE: tuple[Rule, ...] = (
    Rule(
        "case_overdue",
        "业务超期未办结",
        Severity.HIGH,
        "在办业务超过法定办结期限（工作日，扣除补正暂停）",
        (Param("grace_workdays", "宽限工作日", "int", "0", "超期超过该工作日数才预警"),),
        _case_overdue,
    ),
    Rule(
        "register_after_hours",
        "非工作时间登簿",
        Severity.MEDIUM,
        "在非工作日或工作时间以外核准登簿",
        (
            Param("work_start", "上班时间", "time", "08:30"),
            Param("work_end", "下班时间", "time", "17:30"),
            Param("lookback_days", _LOOKBACK, "int", "7"),
        ),
        _register_after_hours,
        at_event=True,
    ),
    Rule(
        "self_approval",
        "受理人自审",
        Severity.HIGH,
        "同一人员受理并审核同意同一业务（自动审核的系统账号除外）",
        (Param("lookback_days", _LOOKBACK, "int", "30"),),
        _self_approval,
        at_event=True,
    ),
    Rule(
        "query_volume",
        "个人信息查询量异常",
        Severity.MEDIUM,
        "人员每日查询权利人/当事人信息的次数超过上限，或明显高于本人近期水平",
        (
            Param("actions", "计入的审计操作", "list", PERSON_QUERY_ACTIONS),
            Param("daily_threshold", "每日上限（次）", "int", "50"),
            Param("z_score", "异常阈值（z 值）", "float", "3.0"),
            Param("baseline_days", "基线天数", "int", "30"),
            Param("min_baseline_days", "基线最少活跃天数", "int", "5"),
            Param("lookback_days", _LOOKBACK, "int", "2"),
        ),
        _query_volume,
    ),
    Rule(
        "fee_waiver",
        "大额收费减免",
        Severity.MEDIUM,
        "单项收费减免金额达到阈值",
        (
            Param("min_amount", "减免金额阈值（元）", "decimal", "500"),
            Param("lookback_days", _LOOKBACK, "int", "30"),
        ),
        _fee_waiver,
    ),
    Rule(
        "cert_void_repeated",
        "证号多次作废",
        Severity.MEDIUM,
        "同一证书/证明号在回溯期内被多次作废",
        (Param("min_voids", "作废次数阈值", "int", "2"), Param("lookback_days", _LOOKBACK, "int", "90")),
        _cert_void_repeated,
    ),
)

RULES: dict[str, Rule] = {rule.code: rule for rule in CATALOGUE}
