"""Masked copies of check requests and answers for display; the clear bodies are encrypted."""

from typing import Any

from bdcdj.accounts.pii import mask_id_number, mask_name

_ID_KEYS = ("id_number", "spouse_id_number", "child_id_number", "mother_id_number")
_NAME_KEYS = ("name", "spouse_name", "holder_name", "child_name", "mother_name", "deceased_name")
_BLOB_KEYS = ("photo", "image")


def mask_value(key: str, value: Any) -> Any:
    if isinstance(value, dict):
        return mask_mapping(value)
    if isinstance(value, list):
        return [mask_value(key, item) for item in value]
    if not isinstance(value, str):
        return value
    if key in _ID_KEYS:
        return mask_id_number(value)
    if key in _NAME_KEYS:
        return mask_name(value)
    if key in _BLOB_KEYS:
        return "［图像已省略］" if value else ""
    return value


def mask_mapping(values: dict[str, Any]) -> dict[str, Any]:
    return {key: mask_value(key, value) for key, value in values.items()}
