from bdcdj.exchange.messages.registration import sex_from_id_number


def test_sex_follows_the_seventeenth_digit_of_a_resident_id():
    assert sex_from_id_number({"QLRLX": "1", "ZJZL": "1", "ZJH": "340121199001011234"}) == "1"
    assert sex_from_id_number({"QLRLX": "1", "ZJZL": "1", "ZJH": "340121199001011240"}) == "2"


def test_sex_is_not_guessed_for_companies_or_other_documents():
    assert sex_from_id_number({"QLRLX": "2", "ZJZL": "8", "ZJH": "91340121MA2N00001X"}) == ""
    assert sex_from_id_number({"QLRLX": "1", "ZJZL": "3", "ZJH": "E12345678"}) == ""
    assert sex_from_id_number({"QLRLX": "1", "ZJZL": "1", "ZJH": "3401211990"}) == ""
