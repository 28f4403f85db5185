"""The 地籍图 page: a Leaflet map without an online base layer that asks the API for the window
it shows (clusters or coloured parcels)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bdcdj.accounts.decorators import page_required
from bdcdj.cadastre.selectors import STATUSES, map_extent
from bdcdj.cadastre.services import PAGE


@page_required(PAGE)
def map_page(request: HttpRequest) -> HttpResponse:
    extent = map_extent(user=request.user)
    return render(
        request,
        "cadastre/map.html",
        {"extent": extent, "statuses": STATUSES, "initial_q": request.GET.get("q", "")},
    )
