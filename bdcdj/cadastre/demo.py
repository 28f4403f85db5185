"""Plausible shapes for the demo county's parcels, so the map has something to show.

Parcels are laid out in blocks along a street grid near 长丰县水湖镇 (about 117.17°E, 32.48°N),
each a slightly irregular quadrilateral whose area equals the recorded one, so the quality
rules find nothing. Deterministic: the same parcels get the same shapes. Stored through
`parcel_geometry_set` like any survey result.
"""

from __future__ import annotations

import math
import random

from bdcdj.accounts.selectors import AnyUser
from bdcdj.cadastre import geometry as geo
from bdcdj.cadastre.services import parcel_geometry_set
from bdcdj.register.models import Parcel, UnitStatus

CENTRE_LON_LAT = (117.17, 32.48)
ROAD = 24.0  # metres between blocks
ROW_WIDTH = 1400.0


def demo_quadrilateral(
    *, x: float, y: float, area_m2: float, aspect: float, skew: float
) -> list[tuple[float, float]]:
    """A quadrilateral with its lower-left corner at (x, y) and exactly `area_m2`: a rectangle
    whose top edge is sheared sideways by `skew` (shear keeps the area)."""
    width = math.sqrt(area_m2 * aspect)
    height = area_m2 / width
    shift = skew * width
    return [(x, y), (x + width, y), (x + width + shift, y + height), (x + shift, y + height), (x, y)]


def demo_shapes_load(*, region_code: str, by: AnyUser, seed: int = 340121) -> int:
    """Give every valid parcel of the district without a shape a demo shape; returns how many."""
    rng = random.Random(seed)
    epsg = geo.node_epsg()
    origin_x, origin_y = geo._transformer(geo.WGS84, epsg).transform(*CENTRE_LON_LAT)
    parcels = list(
        Parcel.objects.filter(region_code=region_code, status=UnitStatus.VALID, geometry_wkt="").order_by(
            "code"
        )
    )
    x, y, row_height = origin_x, origin_y, 0.0
    stored = 0
    for parcel in parcels:
        area = geo.recorded_area_m2(parcel.area, parcel.area_unit)
        aspect = rng.uniform(0.8, 1.6)
        skew = rng.uniform(-0.08, 0.08)
        ring = demo_quadrilateral(x=0.0, y=0.0, area_m2=area, aspect=aspect, skew=skew)
        left = min(px for px, _ in ring)
        width = max(px for px, _ in ring) - left
        height = max(py for _, py in ring)
        if x > origin_x and x + width - origin_x > ROW_WIDTH:
            x, y, row_height = origin_x, y + row_height + ROAD, 0.0
        coordinates = ", ".join(f"{px - left + x:.3f} {py + y:.3f}" for px, py in ring)
        parcel_geometry_set(user=by, code=parcel.code, geometry=f"POLYGON (({coordinates}))", epsg=epsg)
        x += width + ROAD
        row_height = max(row_height, height)
        stored += 1
    return stored
