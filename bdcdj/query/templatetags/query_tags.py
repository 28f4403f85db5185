from django import template

register = template.Library()


@register.filter
def of_kind(restrictions: object, kind: str) -> list[object]:
    """The restrictions of one kind (mortgage, seizure, objection, advance_notice)."""
    return [r for r in restrictions or () if getattr(r, "kind", None) == kind]  # type: ignore[attr-defined]
