"""The result listing of a precise query at a county: units held by the target, with the title
and the restrictions in force on each — no more personal data than the question needs.

No names or ID numbers of anyone (the target is known to the asker; co-holders, mortgagees and
other parties are not part of the answer); restrictions are named by kind, proof number, date
and, for seizures, the ordering authority.
"""

from __future__ import annotations

from typing import Any

from bdcdj.accounts.models import User
from bdcdj.register.models import Right
from bdcdj.register.selectors import unit_state, units_by_owner_id


def _right(right: Right) -> dict[str, str]:
    return {
        "kind": right.get_kind_display(),
        "certificate_number": right.certificate_number,
        "registered_on": right.registered_at.date().isoformat(),
    }


def _restriction(right: Right) -> dict[str, str]:
    item = _right(right)
    authority = getattr(right.detail, "authority", "") if right.kind == "seizure" else ""
    if authority:
        item["authority"] = authority
    return item


def units_listing(*, user: User, id_number: str, region_code: str) -> list[dict[str, Any]]:
    """Current units of `region_code` whose title holder has this ID number or credit code
    (blind-index search), each with its title and restrictions."""
    listing = []
    for unit in units_by_owner_id(user=user, id_number=id_number):
        if unit.region_code != region_code:
            continue
        state = unit_state(user=user, code=unit.code)
        restrictions = [*state.mortgages, *state.seizures, *state.objections, *state.advance_notices]
        listing.append(
            {
                "unit_code": unit.code,
                "location": unit.location,
                "built_area": str(unit.built_area) if unit.built_area is not None else "",
                "title": _right(state.title) if state.title else None,
                "restrictions": [_restriction(r) for r in restrictions],
            }
        )
    return listing
