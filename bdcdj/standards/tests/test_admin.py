"""Admin pages of the standards app and the checks behind the dictionary editor."""

import pytest
from django.forms import inlineformset_factory
from django.test import Client
from django.urls import reverse

from bdcdj.accounts.models import User
from bdcdj.standards.admin import DictionaryItemFormSet
from bdcdj.standards.models import CertificateNumber, Dictionary, DictionaryItem
from bdcdj.standards.selectors import dictionary_has
from bdcdj.standards.services import certificate_number_allocate

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    user = User.objects.create_superuser(
        username="root", email="root@example.com", password="x-Very-long-pass-1"
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "model",
    ["dictionary", "dictionaryitem", "certificatenumbertemplate", "certificatenumber", "codesequence"],
)
def test_changelists_render(admin_client, model):
    response = admin_client.get(reverse(f"admin:standards_{model}_changelist"), {"q": "1"})
    assert response.status_code == 200


def test_dictionary_page_shows_its_items_inline(admin_client):
    dictionary = Dictionary.objects.get(code="QLLX", version="2021")
    response = admin_client.get(reverse("admin:standards_dictionary_change", args=[dictionary.pk]))
    assert response.status_code == 200
    assert "居住权" in response.content.decode()


def test_deactivating_items_in_bulk_takes_effect_at_once(admin_client):
    assert dictionary_has(code="FWLX", value="6")
    item = DictionaryItem.objects.get(dictionary__code="FWLX", dictionary__version="2021", code="6")
    response = admin_client.post(
        reverse("admin:standards_dictionaryitem_changelist"),
        {"action": "deactivate", "_selected_action": [item.pk]},
    )
    assert response.status_code == 302
    assert not dictionary_has(code="FWLX", value="6")


def test_issued_numbers_cannot_be_edited_or_deleted_in_the_admin(admin_client):
    number = certificate_number_allocate(region_code="340121", kind="certificate", year=2026)
    change = reverse("admin:standards_certificatenumber_change", args=[number.pk])
    assert admin_client.get(change).status_code == 200  # view only
    admin_client.post(change, {"number": "改过的号"})
    assert CertificateNumber.objects.get(pk=number.pk).number == number.number
    delete = reverse("admin:standards_certificatenumber_delete", args=[number.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403


def _formset(dictionary: Dictionary, rows: list[dict[str, str]]):
    FormSet = inlineformset_factory(
        Dictionary,
        DictionaryItem,
        formset=DictionaryItemFormSet,
        fields=["code", "label", "parent_code", "sort_order", "is_active"],
        extra=0,
    )
    data = {"items-TOTAL_FORMS": str(len(rows)), "items-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        for key, value in {"sort_order": "0", "is_active": "on", **row}.items():
            data[f"items-{index}-{key}"] = value
    return FormSet(data, instance=dictionary, prefix="items")


def test_a_parent_and_its_child_can_be_added_together():
    dictionary = Dictionary.objects.create(code="TEST", version="2021", name="测试")
    formset = _formset(
        dictionary, [{"code": "1", "label": "甲"}, {"code": "11", "label": "乙", "parent_code": "1"}]
    )
    assert formset.is_valid(), formset.errors


def test_a_parent_outside_the_dictionary_is_rejected():
    dictionary = Dictionary.objects.create(code="TEST", version="2021", name="测试")
    formset = _formset(dictionary, [{"code": "11", "label": "乙", "parent_code": "1"}])
    assert not formset.is_valid()
    assert "上级代码“1”不在本字典中" in str(formset.errors)
