import pytest

from bdcdj.accounts.pii import decrypt_text
from bdcdj.sharing.models import SharingCheck
from bdcdj.sharing.services import identity_verify
from bdcdj.sharing.simulator.population import demo_population

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def person() -> tuple[str, str]:
    people = demo_population(("small",)).people
    id_number = sorted(people)[0]
    return people[id_number], id_number


def test_demo_party_verifies_over_http(sim, person):
    name, id_number = person
    outcome = identity_verify(name=name, id_number=id_number, operator="clerk")
    assert outcome.status == "ok" and outcome.ok
    assert outcome.data == {"name_match": True, "alive": True}
    row = SharingCheck.objects.get(pk=outcome.check_id)
    assert row.attempts == 1 and row.latency_ms is not None
    assert id_number not in row.request_enc and id_number in decrypt_text(row.request_enc)
    assert row.request_masked["id_number"] != id_number


def test_wrong_name_is_a_mismatch(sim, person):
    _, id_number = person
    outcome = identity_verify(name="查无此名", id_number=id_number, operator="clerk")
    assert outcome.status == "mismatch" and not outcome.ok
    assert "不一致" in outcome.message


def test_unknown_number_is_not_found(sim):
    outcome = identity_verify(name="张三", id_number="110101199001011234", operator="clerk")
    assert outcome.status == "not_found"


def test_company_credit_code_goes_to_market_regulator(sim):
    people = demo_population(("small",)).companies
    code, name = sorted(people.items())[0]
    outcome = identity_verify(name=name, id_number=code, operator="clerk")
    assert outcome.ok
    assert SharingCheck.objects.get(pk=outcome.check_id).kind == "identity.credit_code"
