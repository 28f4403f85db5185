"""Pages anyone may open: the landing page with every district, a district's home, and the
办事指南 generated from the district's current workflow definitions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from bdcdj.core.errors import DomainError
from bdcdj.portal.selectors import (
    district_for_unit_code,
    district_groups,
    guide_categories,
    guide_entry,
    offices_of,
)
from bdcdj.portal.services.applications import district_get
from bdcdj.portal.views.common import portal_page, render_page


@portal_page
def landing(request: HttpRequest) -> HttpResponse:
    """全国/全省入口: every district's portal; a unit code routes to its district."""
    context: dict[str, object] = {"groups": district_groups(), "unit_code": ""}
    code = request.GET.get("unit_code", "").strip()[:40]
    if code:
        try:
            return redirect("portal:district", region=district_for_unit_code(code))
        except DomainError as exc:
            context.update(unit_code=code, error=exc)
            return render_page(request, "portal/landing.html", context, status=exc.status_code)
    return render_page(request, "portal/landing.html", context)


@portal_page
def district(request: HttpRequest, region: str) -> HttpResponse:
    return render_page(
        request,
        "portal/district.html",
        {
            "tenant": district_get(region),
            "categories": guide_categories(),
            "offices": offices_of(region_code=region),
        },
    )


@portal_page
def guide(request: HttpRequest, region: str) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:50]
    categories = [
        (name, [bt for bt in items if not query or query in bt.name]) for name, items in guide_categories()
    ]
    categories = [(name, items) for name, items in categories if items]
    return render_page(
        request,
        "portal/guide.html",
        {"tenant": district_get(region), "categories": categories, "q": query},
    )


@portal_page
def guide_detail(request: HttpRequest, region: str, business_type: str) -> HttpResponse:
    entry = guide_entry(region_code=region, business_type=business_type)
    return render_page(request, "portal/guide_detail.html", {"tenant": district_get(region), "entry": entry})
