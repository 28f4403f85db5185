import datetime

from django import template
from django.utils import timezone

from bdcdj.standards.selectors import dictionary_label

register = template.Library()


@register.filter
def dict_label(value: object, dictionary: str) -> str:
    """`{{ unit.planned_use|dict_label:"FWYT" }}` → 成套住宅 (the code itself when unknown)."""
    if value in (None, ""):
        return ""
    label = dictionary_label(code=dictionary, value=str(value))
    return f"{label}" if label else str(value)


@register.filter
def detail_rows(detail: object) -> list[tuple[str, str]]:
    """The filled fields of a right's typed detail as (label, display value) pairs; dictionary
    codes are shown with their labels, booleans as 是/否."""
    from bdcdj.register.standard_fields import DICTIONARY_OF_FIELD

    if detail is None:
        return []
    rows: list[tuple[str, str]] = []
    for fld in detail._meta.concrete_fields:  # type: ignore[attr-defined]
        if fld.is_relation or fld.primary_key:
            continue
        value = getattr(detail, fld.name)
        if value in (None, ""):
            continue
        if isinstance(value, bool):
            shown = "是" if value else "否"
        elif isinstance(value, datetime.datetime):
            shown = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        elif (
            fld.name in DICTIONARY_OF_FIELD
            and isinstance(value, str)
            and fld.get_internal_type() != "TextField"
        ):
            shown = dict_label(value, DICTIONARY_OF_FIELD[fld.name])
        else:
            shown = str(value)
        rows.append((str(fld.verbose_name), shown))
    return rows


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None
