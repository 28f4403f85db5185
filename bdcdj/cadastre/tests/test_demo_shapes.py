"""The demo county's parcels get shapes that agree with the register: every parcel drawn,
areas as recorded, no overlaps, so the map shows the county without quality findings."""

import pytest

from bdcdj.accounts.models import User
from bdcdj.cadastre.selectors import map_extent, map_window
from bdcdj.demo.dataset import REGION, load_demo
from bdcdj.quality.models import QualityFinding
from bdcdj.register.models import Parcel


@pytest.mark.django_db
def test_the_demo_county_is_drawn_without_findings():
    load_demo(size="small")
    parcels = Parcel.objects.filter(region_code=REGION)
    assert parcels.count() >= 4 and not parcels.filter(geometry_wkt="").exists()
    assert not QualityFinding.objects.filter(subject_type="parcel").exists()
    registrar = User.objects.get(username="registrar")
    extent = map_extent(user=registrar)
    west, south, east, north = extent["bbox"]
    window = map_window(user=registrar, west=west, south=south, east=east, north=north, zoom=15)
    statuses = {f["properties"]["status"] for f in window.features}
    assert window.mode == "features" and len(window.features) == parcels.count()
    assert {"registered", "seized"} <= statuses
    assert map_extent(user=User.objects.get(username="other"))["drawn"] == 0
