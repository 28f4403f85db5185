"""楼盘表 pages: list, grid, 3D view, export, planning through htmx, permissions and districts."""

import json
from dataclasses import replace

import pytest
from django.test import Client

from bdcdj.accounts.models import PagePermission
from bdcdj.register.models import Unit
from bdcdj.register.tests import factories as f

PAGES = ("register.units", "register.building_table")
BUILDING = f"{f.PARCEL}F0001"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def building(db):
    registrar = f.make_user("lpb_registrar")
    item = f.first_registration(households=6)
    item = replace(item, buildings=(replace(item.buildings[0], floors_below=1),))
    titles = f.apply(item, registrar).rights_created
    f.apply(f.mortgage(titles[0].unit), registrar)
    f.apply(f.seizure(titles[1].unit), registrar)
    return [t.unit for t in titles]


@pytest.fixture
def reader(db):
    return _client(f.make_user("lpb_reader", pages=PAGES))


@pytest.fixture
def planner(db):
    user = f.make_user("lpb_planner", pages=PAGES)
    PagePermission.objects.filter(role__user_roles__user=user, page="register.building_table").update(
        level=PagePermission.Level.WRITE
    )
    return _client(user)


def test_the_list_searches_sorts_and_shows_an_empty_state(building, reader):
    page = reader.get("/buildings/?q=幸福路&sort=-households").content.decode()
    assert BUILDING in page and "共 1 幢" in page
    assert "未找到符合“没有”的自然幢" in reader.get("/buildings/?q=没有").content.decode()
    other = _client(f.make_user("lpb_other", regions=(f.OTHER_REGION,), pages=PAGES))
    assert "本辖区暂无自然幢" in other.get("/buildings/").content.decode()


def test_the_grid_links_every_household_to_its_unit_page(building, reader):
    response = reader.get(f"/buildings/{BUILDING}/")
    page = response.content.decode()
    assert response.status_code == 200
    for unit in building:
        assert f'href="/units/{unit.code}/"' in page
    assert 'class="hh st-mortgaged"' in page and 'class="hh st-seized"' in page
    assert "已登记所有权" in page and "图例" in page
    assert 'id="plan"' not in page  # read-only users do not see the planning form


def test_the_unit_page_links_back_to_the_building_table(building, reader):
    page = reader.get(f"/units/{building[0].code}/").content.decode()
    assert f'href="/buildings/{BUILDING}/"' in page


def test_the_3d_page_embeds_one_cell_per_household_and_vendored_scripts(building, reader):
    page = reader.get(f"/buildings/{BUILDING}/3d/").content.decode()
    start = page.index('id="building-data"')
    data = json.loads(page[page.index(">", start) + 1 : page.index("</script>", start)])
    assert len(data["cells"]) == len(building)
    assert "vendor/echarts-gl/echarts-gl.min.js" in page and "https://" not in page


def test_export_is_an_xlsx_of_the_households(building, reader):
    response = reader.get(f"/buildings/{BUILDING}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_another_district_gets_404_and_a_user_without_the_page_403(building):
    other = _client(f.make_user("lpb_other", regions=(f.OTHER_REGION,), pages=PAGES))
    assert other.get(f"/buildings/{BUILDING}/").status_code == 404
    assert other.get(f"/buildings/{BUILDING}/3d/").status_code == 404
    assert _client(f.make_user("lpb_nopage")).get(f"/buildings/{BUILDING}/").status_code == 403


def test_planning_previews_then_creates_through_htmx(building, planner):
    form = {"logical_building": "1", "floor_from": "-1", "floor_to": "-1", "per_floor": "2"}
    form |= {"room_pattern": "{F}{NN}", "planned_use": "11", "built_area": "35.5"}
    url = f"/buildings/{BUILDING}/plan/"
    preview = planner.post(url, {**form, "action": "preview"}, HTTP_HX_REQUEST="true")
    assert preview.status_code == 200 and "B101" in preview.content.decode()
    assert "确认创建 2 户" in preview.content.decode()
    before = Unit.objects.count()
    done = planner.post(url, {**form, "action": "confirm"}, HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Redirect"] == f"/buildings/{BUILDING}/"
    assert Unit.objects.count() == before + 2
    page = planner.get(f"/buildings/{BUILDING}/").content.decode()
    assert "已创建 2 户" in page and "地下1层" in page and "B102" in page


def test_planning_errors_come_back_next_to_the_fields_and_readers_cannot_plan(building, planner, reader):
    url = f"/buildings/{BUILDING}/plan/"
    bad = {"floor_from": "1", "floor_to": "1", "per_floor": "2", "room_pattern": "{F}{NN}"}
    bad["planned_use"] = "11"
    response = planner.post(url, {**bad, "action": "preview"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "与已有户重叠" in response.content.decode() and "field invalid" in response.content.decode()
    assert reader.post(url, {**bad, "action": "confirm"}).status_code == 403
