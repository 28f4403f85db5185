"""The household cells of one 楼盘表 row, built in Python: 800 cells through the template engine's
loop cost several times more than the queries behind them."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from bdcdj.register.building_table import FloorRow

register = template.Library()


@register.filter
def household_cells(row: FloorRow, unit_prefix: str) -> SafeString:
    if not row.households:
        return mark_safe('<span class="muted">（本层无户）</span>')
    parts = []
    for h in row.households:
        label = escape(h.room_label or h.household_no)
        area = f" · {h.built_area}㎡" if h.built_area else ""
        stripe = f' style="box-shadow:inset 0 -4px 0 {h.second_color}"' if h.second_color else ""
        parts.append(
            f'<a class="hh st-{h.status}" data-status="{" ".join(h.statuses)}" '
            f'href="{escape(unit_prefix)}{h.code}/" '
            f'title="{label} · {h.status_labels}{area}&#10;{h.code}"{stripe}>{label}</a>'
        )
    return mark_safe("".join(parts))  # every variable part is escaped or one of our own codes
