"""查封 / 轮候查封 / 解封 (court documents), 异议 and its 注销, 居住权 首次/注销."""

import pytest

from bdcdj.cases.models import Stage
from bdcdj.cases.tests import helpers as h
from bdcdj.register.models import RightStatus
from bdcdj.register.selectors import unit_state
from bdcdj.register.tests import factories as f

pytestmark = pytest.mark.django_db

SEIZURE = {
    "authority": h.COURT,
    "document_number": "（2025）皖0121执100号",
    "seizure_kind": "1",
    "start": "2025-03-01",
    "end": "2028-02-28",
    "scope": "该不动产单元",
}


def test_seizure_from_court_documents_binds_at_once(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    case = h.run(staff, "seizure", [unit.code], [h.SELLER.party("seized_person")], SEIZURE)
    state = unit_state(user=staff.registrar, code=unit.code)
    assert state.is_seized and state.seizures[0].detail.document_number == SEIZURE["document_number"]
    assert case.time_limit_workdays == 1 and not case.certificates.exists() and case.stage == Stage.ARCHIVED


def test_waiting_seizure_joins_the_queue(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    h.run(staff, "seizure", [unit.code], [], SEIZURE)
    h.run(
        staff,
        "seizure_queue",
        [unit.code],
        [],
        {
            **SEIZURE,
            "document_number": "（2025）皖0121执200号",
            "seizure_kind": "2",
            "authority": "合肥市中级人民法院",
        },
    )
    first, second = unit_state(user=staff.registrar, code=unit.code).seizures
    assert (first.detail.queue_position, second.detail.queue_position) == (0, 1)
    assert second.detail.seizure_kind == "2"


def test_release_lifts_the_seizure(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    seizure = f.apply(f.seizure(unit), staff.registrar).rights_created[0]
    h.run(
        staff,
        "seizure_release",
        [unit.code],
        [],
        {"target_right_id": seizure.pk, "authority": h.COURT, "document_number": "（2024）皖0121执123号之一"},
    )
    seizure.refresh_from_db()
    assert seizure.status == RightStatus.TERMINATED and seizure.detail.release_authority == h.COURT
    assert not unit_state(user=staff.registrar, code=unit.code).is_seized


def test_objection_issues_a_proof_valid_for_fifteen_days(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    case = h.run(
        staff,
        "objection",
        [unit.code],
        [h.BUYER.party("objection_applicant")],
        {"matter": "对房屋所有权归属有异议"},
    )
    [objection] = unit_state(user=staff.registrar, code=unit.code).objections
    assert (objection.detail.end - objection.detail.start).days == 15
    assert case.certificates.get().kind == "proof"


def test_objection_cancellation(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    objection = f.apply(f.objection(unit), staff.registrar).rights_created[0]
    h.run(
        staff,
        "objection_cancel",
        [unit.code],
        [h.BUYER.party("applicant")],
        {"target_right_id": objection.pk},
    )
    objection.refresh_from_db()
    assert objection.status == RightStatus.TERMINATED


def test_residence_right_issues_a_proof(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    case = h.run(
        staff,
        "residence_first",
        [unit.code],
        [h.SPOUSE.party("resident"), h.SELLER.party("obligor")],
        {"start": "2025-06-01", "conditions": "居住权人终身居住"},
    )
    [residence] = unit_state(user=staff.registrar, code=unit.code).servitudes
    assert residence.detail.end is None and residence.detail.conditions == "居住权人终身居住"
    assert case.certificates.get().kind == "proof"


def test_residence_right_cancellation(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    residence = h.residence(staff.registrar, unit)
    h.run(
        staff,
        "residence_cancel",
        [unit.code],
        [h.SPOUSE.party("applicant")],
        {"target_right_id": residence.pk},
    )
    residence.refresh_from_db()
    assert residence.status == RightStatus.TERMINATED
