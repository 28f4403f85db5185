from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: Any, key: str) -> Any:
    """`values|get:"data-price"`: a dict entry whose key is not a valid template name."""
    if isinstance(mapping, dict):
        return mapping.get(key, "")
    return ""
