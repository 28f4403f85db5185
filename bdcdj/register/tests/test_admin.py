"""The admin shows the register read-only, with parties masked."""

import pytest
from django.test import Client

from bdcdj.accounts.models import User
from bdcdj.register.tests import factories as f


@pytest.fixture
def admin_client_(db) -> Client:
    admin = User.objects.create_superuser(username="root", password=None, email="")
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "model", ["parcel", "building", "logicalbuilding", "floor", "unit", "right", "registerevent", "chainhead"]
)
def test_changelists_render(admin_client_, registrar, model):
    f.registered_house(registrar)
    assert admin_client_.get(f"/admin/register/{model}/").status_code == 200


def test_right_page_is_read_only_and_masked(admin_client_, registrar):
    _, title = f.registered_house(registrar)
    response = admin_client_.get(f"/admin/register/right/{title.pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "张*三" in page and f.SELLER.name not in page and f.SELLER.id_number not in page
    assert admin_client_.get("/admin/register/right/add/").status_code == 403
    assert admin_client_.post(f"/admin/register/right/{title.pk}/delete/").status_code == 403
