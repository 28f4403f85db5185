"""Every kind of check round-trips over HTTP to the simulated department that owns it."""

import pytest

from bdcdj.sharing.kinds import KINDS
from bdcdj.sharing.services import check
from bdcdj.sharing.simulator.population import demo_population
from bdcdj.sharing.simulator.store import face_digest, fictional_photo

pytestmark = pytest.mark.django_db

DEAD = ("340121193503070016", "冯已故")
NEWBORN = ("340121202306010027", "蒋新生")


@pytest.fixture(scope="module")
def population():
    return demo_population(("small",))


@pytest.fixture
def records(sim):
    sim.records(
        "person",
        [
            {"id_number": DEAD[0], "name": DEAD[1], "marital_status": "widowed", "photo_sha3": "x"},
            {"id_number": NEWBORN[0], "name": NEWBORN[1], "photo_sha3": "x"},
        ],
    )
    sim.records("death", [{"id_number": DEAD[0], "died_on": "2024-02-03", "certificate_no": "SW-T-1"}])
    sim.records(
        "birth",
        [
            {
                "id_number": NEWBORN[0],
                "name": NEWBORN[1],
                "born_on": "2023-06-01",
                "mother_id": DEAD[0],
                "certificate_no": "CS-T-1",
            }
        ],
    )
    sim.records(
        "tax", [{"case_number": "340121-2026-T0001", "unit_code": "3" * 28, "status": "paid", "amount": "1"}]
    )
    return sim


def _cases(population):
    person_id, person_name = sorted(population.people.items())[0]
    a, b = population.couples[0]
    code, company = sorted(population.companies.items())[0]
    return {
        "identity.id_card": ({"name": person_name, "id_number": person_id}, "ok", {"alive": True}),
        "identity.face": (
            {"id_number": person_id, "image_sha3": face_digest(fictional_photo(person_id))},
            "ok",
            {},
        ),
        "identity.credit_code": ({"name": company, "credit_code": code}, "ok", {"business_status": "active"}),
        "identity.financial_licence": (
            {"name": "示例银行股份有限公司长丰支行", "licence_no": "B0001B234010001"},
            "ok",
            {"licence_status": "valid"},
        ),
        "collab.tax_status": (
            {"case_number": "340121-2026-T0001", "unit_code": "3" * 28},
            "ok",
            {"tax_status": "paid"},
        ),
        "collab.contract_filing": ({"contract_no": "HT3401212024000001"}, "ok", {"filing_status": "filed"}),
        "collab.court_order": ({"order_no": "FY340121-DEMO-0001"}, "ok", {"order_kind": "seize"}),
        "info.marriage": ({"id_number": a, "spouse_id_number": b}, "ok", {"marital_status": "married"}),
        "info.death": ({"id_number": DEAD[0]}, "ok", {"deceased": True}),
        "info.place_name": ({"name": "双凤大道"}, "ok", {"current_name": "双凤大道"}),
        "info.birth": ({"id_number": NEWBORN[0]}, "ok", {"born_on": "2023-06-01"}),
        "info.notarial_deed": ({"deed_no": "GZ340121-2023-0001"}, "ok", {"office": "长丰县公证处"}),
    }


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_round_trips(records, population, kind):
    params, status, expected = _cases(population)[kind]
    outcome = check(kind=kind, params=params, operator="reviewer")
    assert outcome.status == status, outcome.message
    for key, value in expected.items():
        assert outcome.data[key] == value


def test_results_are_masked_and_never_carry_raw_numbers(records, population):
    a, b = population.couples[0]
    outcome = check(kind="info.marriage", params={"id_number": a}, operator="reviewer")
    spouse = population.people[b]
    assert outcome.data["spouse_name"] != spouse and outcome.data["spouse_name"][0] == spouse[0]
    assert a not in str(outcome.data) and b not in str(outcome.data)


@pytest.mark.parametrize(
    ("kind", "params", "status"),
    [
        ("identity.credit_code", {"name": "不存在的公司", "credit_code": "91340121MA2N00100Q"}, "mismatch"),
        (
            "identity.financial_licence",
            {"name": "示例已撤销小额贷款有限公司", "licence_no": "B0099X234019999"},
            "mismatch",
        ),
        ("collab.contract_filing", {"contract_no": "HT3401212024000013"}, "mismatch"),
        ("info.death", {"id_number": "340121199001010011"}, "not_found"),
        ("info.place_name", {"name": "长丰县老街"}, "mismatch"),
        ("info.notarial_deed", {"deed_no": "GZ340121-2023-0007"}, "mismatch"),
        ("identity.face", {"id_number": DEAD[0], "image_sha3": "0" * 64}, "mismatch"),
    ],
)
def test_departments_report_mismatches(records, kind, params, status):
    assert check(kind=kind, params=params, operator="reviewer").status == status


def test_a_deceased_person_fails_identity(records):
    outcome = check(kind="identity.id_card", params={"name": DEAD[1], "id_number": DEAD[0]}, operator="clerk")
    assert outcome.status == "mismatch" and "死亡" in outcome.message


def test_every_demo_party_exists_at_the_police(sim, demo):
    """The replay gives exactly the demo's people: every person in the register verifies."""
    from bdcdj.accounts.pii import decrypt_text
    from bdcdj.register.models import Party

    people = {
        (decrypt_text(p.name_enc), decrypt_text(p.id_number_enc)) for p in Party.objects.filter(id_type="1")
    }
    assert len(people) >= 3
    for name, id_number in sorted(people):
        assert check(kind="identity.id_card", params={"name": name, "id_number": id_number}, operator="t").ok
    replayed = demo_population(("small",)).people
    assert {n for _, n in people} <= set(replayed)
