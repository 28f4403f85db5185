"""The workflow drawn as an SVG diagram, server-side, from a definition's steps.

Boxes left to right in step order, between a 收件 start and an 归档 end; forward arrows
labelled by what moves the case on (受理, 同意, 缮证, 发证 …), a jump over review steps
(`next`) as an arc above, 回退 as a dashed arc above back to its target, 转件 as a loop under
the box, and 退件 / 不予受理 as arrows down to the closing bar. The steps may be half-edited
(the editor previews on every keystroke): whatever cannot be drawn is skipped, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BOX_W, BOX_H, GAP, PILL_W = 132, 62, 70, 64
MARGIN = 16
FORWARD_LABELS = {"accept": "受理", "review": "同意", "register": "登簿", "certify": "缮证", "issue": "发证"}
KIND_LABELS = {
    "accept": "受理",
    "review": "审核",
    "register": "登簿",
    "certify": "缮证",
    "issue": "发证",
    "archive": "归档",
}
COLOURS = {"forward": "#0b5cad", "back": "#b54708", "reject": "#b42318", "transfer": "#6941c6"}


def _text(x: float, y: float, text: str, *, size: int = 12, weight: str = "normal") -> str:
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}" text-anchor="middle" font-weight="{weight}">'
        f"{escape(text)}</text>"
    )


def _label(x: float, y: float, text: str, colour: str) -> str:
    width = 14 * len(text) + 8
    return (
        f'<rect x="{x - width / 2:.0f}" y="{y - 11:.0f}" width="{width}" height="16" rx="3" '
        f'fill="#fff" opacity="0.9"/><text x="{x:.0f}" y="{y + 1:.0f}" font-size="12" '
        f'text-anchor="middle" fill="{colour}">{escape(text)}</text>'
    )


def _arrow(path: str, colour: str, kind: str, *, dashed: bool = False) -> str:
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    return (
        f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.6"{dash} '
        f'marker-end="url(#wf-arrow-{kind})" data-edge="{kind}"/>'
    )


def _clean_steps(steps: Any) -> list[Mapping[str, Any]]:
    if not isinstance(steps, Sequence) or isinstance(steps, str):
        return []
    return [s for s in steps if isinstance(s, Mapping)][:20]


def workflow_svg(
    steps: Any, *, roles: Mapping[str, str] | None = None, current: str = "", title: str = "流程图"
) -> SafeString:
    """The SVG markup (safe: every text is escaped). `current` highlights the case's step."""
    roles = roles or {}
    items = _clean_steps(steps)
    n = len(items)
    index = {str(s.get("code")): i for i, s in enumerate(items) if s.get("code")}
    box_x = [MARGIN + PILL_W + GAP + i * (BOX_W + GAP) for i in range(n)]
    back_depth = max([1, *(_back_span(items, i, index) for i in range(n))])
    top = 34 + 26 * min(back_depth, 5)
    bottom_bar = top + BOX_H + 84
    width = MARGIN * 2 + PILL_W * 2 + GAP * (n + 1) + BOX_W * n
    height = bottom_bar + 40
    mid = top + BOX_H / 2
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" class="wf-diagram" '
        f'font-family="WenQuanYi Zen Hei, Noto Sans CJK SC, sans-serif">',
        f"<title>{escape(title)}</title><defs>",
        *(
            f'<marker id="wf-arrow-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
            for kind, colour in COLOURS.items()
        ),
        "</defs>",
    ]
    parts += _pill(MARGIN, mid, "收件")
    if n:
        parts.append(_arrow(f"M{MARGIN + PILL_W},{mid} L{box_x[0] - 2},{mid}", COLOURS["forward"], "forward"))
        end_x = box_x[-1] + BOX_W + GAP
        parts += _pill(end_x, mid, "结束")
        parts.append(_arrow(f"M{box_x[-1] + BOX_W},{mid} L{end_x - 2},{mid}", COLOURS["forward"], "forward"))
        parts.append(_label(box_x[-1] + BOX_W + GAP / 2, mid - 12, "归档", COLOURS["forward"]))
    rejects = []
    for i, step in enumerate(items):
        parts += _edges(items, i, box_x, index, top, mid)
        actions = {str(a) for a in step.get("actions", []) if isinstance(step.get("actions"), list)}
        kind = str(step.get("kind", ""))
        cx = box_x[i] + BOX_W / 2
        if "4" in actions:
            low = top + BOX_H
            loop = f"M{cx - 30},{low} C{cx - 60},{low + 44} {cx},{low + 44} {cx - 8},{low + 2}"
            parts.append(_arrow(loop, COLOURS["transfer"], "transfer"))
            parts.append(_label(cx - 30, top + BOX_H + 46, "转件", COLOURS["transfer"]))
        if "3" in actions or kind == "accept":
            text = "不予受理" if kind == "accept" else "退件"
            parts.append(
                _arrow(f"M{cx + 24},{top + BOX_H} L{cx + 24},{bottom_bar - 2}", COLOURS["reject"], "reject")
            )
            parts.append(_label(cx + 24, top + BOX_H + 62, text, COLOURS["reject"]))
            rejects.append(cx + 24)
        parts += _box(box_x[i], top, step, roles, current=bool(current) and step.get("code") == current)
    if rejects:
        left, right = min(box_x[0], min(rejects) - 40), max(rejects) + 60
        parts.append(
            f'<rect x="{left}" y="{bottom_bar}" width="{right - left}" height="26" rx="4" fill="#fee4e2" '
            f'stroke="{COLOURS["reject"]}"/>'
        )
        parts.append(_text((left + right) / 2, bottom_bar + 18, "不予受理 / 不予登记（结案）", size=12))
    if not n:
        parts.append(_text(width / 2, mid + 40, "尚无环节", size=13))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def _pill(x: float, mid: float, text: str) -> list[str]:
    return [
        f'<rect x="{x}" y="{mid - 16}" width="{PILL_W}" height="32" rx="16" '
        'fill="#eef2f7" stroke="#9aa5b1"/>',
        _text(x + PILL_W / 2, mid + 5, text, size=13),
    ]


def _box(
    x: float, top: float, step: Mapping[str, Any], roles: Mapping[str, str], *, current: bool
) -> list[str]:
    kind = str(step.get("kind", ""))
    role = str(step.get("role", ""))
    fill = "#d1e9ff" if current else "#fff"
    stroke = "#0b5cad" if current else "#9aa5b1"
    name = str(step.get("name") or KIND_LABELS.get(kind, "未命名"))[:10]
    marker = ' data-current="1"' if current else ""
    return [
        f'<g data-step="{escape(str(step.get("code", "")))}"{marker}>',
        f'<rect x="{x}" y="{top}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{2.5 if current else 1.4}"/>',
        _text(x + BOX_W / 2, top + 22, name, size=14, weight="bold"),
        _text(x + BOX_W / 2, top + 40, roles.get(role, role)[:12] or "未指定角色", size=11),
        _text(
            x + BOX_W / 2,
            top + 55,
            f"{KIND_LABELS.get(kind, kind)[:6]} · {str(step.get('code', ''))[:14]}",
            size=10,
        ),
        "</g>",
    ]


def _target(items: list[Mapping[str, Any]], i: int, index: Mapping[str, int], key: str) -> int | None:
    value = items[i].get(key)
    return index.get(str(value)) if value else None


def _back_span(items: list[Mapping[str, Any]], i: int, index: Mapping[str, int]) -> int:
    back = _back_index(items, i, index)
    return i - back if back is not None else 0


def _back_index(items: list[Mapping[str, Any]], i: int, index: Mapping[str, int]) -> int | None:
    actions = items[i].get("actions")
    if not isinstance(actions, list) or "2" not in actions:
        return None
    target = _target(items, i, index, "back_to")
    if target is None and i > 0:
        target = i - 1
    return target if target is not None and target < i else None


def _edges(
    items: list[Mapping[str, Any]], i: int, box_x: list[int], index: Mapping[str, int], top: float, mid: float
) -> list[str]:
    parts: list[str] = []
    kind = str(items[i].get("kind", ""))
    following = _target(items, i, index, "next")
    following = (
        following if following is not None and following > i else (i + 1 if i + 1 < len(items) else None)
    )
    label = FORWARD_LABELS.get(kind, "完成")
    if following == i + 1:
        x1, x2 = box_x[i] + BOX_W, box_x[i + 1]
        parts.append(_arrow(f"M{x1},{mid} L{x2 - 2},{mid}", COLOURS["forward"], "forward"))
        parts.append(_label((x1 + x2) / 2, mid - 12, label, COLOURS["forward"]))
    elif following is not None:
        x1, x2 = box_x[i] + BOX_W - 20, box_x[following] + 20
        lift = 30 + 14 * (following - i)
        parts.append(
            _arrow(
                f"M{x1},{top} C{x1},{top - lift} {x2},{top - lift} {x2},{top - 2}",
                COLOURS["forward"],
                "forward",
            )
        )
        parts.append(_label((x1 + x2) / 2, top - lift * 0.75, f"{label}（跳过）", COLOURS["forward"]))
    back = _back_index(items, i, index)
    if back is not None:
        x1, x2 = box_x[i] + 24, box_x[back] + BOX_W - 24
        lift = 24 + 22 * min(i - back, 5)
        parts.append(
            _arrow(
                f"M{x1},{top} C{x1},{top - lift} {x2},{top - lift} {x2},{top - 2}",
                COLOURS["back"],
                "back",
                dashed=True,
            )
        )
        parts.append(_label((x1 + x2) / 2, top - lift * 0.75 + 2, "回退", COLOURS["back"]))
    return parts
