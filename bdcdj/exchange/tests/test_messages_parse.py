"""parse_message never resolves entities, fetches DTDs or crashes on hostile input."""

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bdcdj.exchange.messages import MessageError, parse_message, parse_receipt, validate_message

GOOD = (
    b'<?xml version="1.0" encoding="UTF-8"?><Message><Head><RecType>1003701</RecType></Head>'
    b'<Data><ZTT_GY_QLR QLRMC="A"/><ZTT_GY_QLR QLRMC="B"/></Data></Message>'
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<Message><Head><RecType>&x;</RecType></Head><Data/></Message>"
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b"<Message><Head/><Data>&lol3;</Data></Message>"
)
EXTERNAL_DTD = b'<?xml version="1.0"?><!DOCTYPE Message SYSTEM "http://127.0.0.1:9/x.dtd"><Message/>'


def test_a_good_message_reads_as_head_and_rows():
    parsed = parse_message(xml=GOOD)
    assert parsed.head == {"RecType": "1003701"}
    assert parsed.rows == {"ZTT_GY_QLR": [{"QLRMC": "A"}, {"QLRMC": "B"}]}


@pytest.mark.parametrize("xml", [XXE, LAUGHS, EXTERNAL_DTD, b"<!doctype Message><Message/>"])
def test_doctype_and_entities_are_refused(xml):
    with pytest.raises(MessageError) as info:
        parse_message(xml=xml)
    assert info.value.code == "message_doctype" and "DOCTYPE" in info.value.message


def test_oversized_input_is_refused_before_parsing():
    with pytest.raises(MessageError) as info:
        parse_message(xml=GOOD + b" " * 100, max_bytes=len(GOOD))
    assert info.value.code == "message_too_large" and "报文过大" in info.value.message


@pytest.mark.parametrize("xml", [b"", b"<Message>", b"not xml", b"<Other/>", b"<Message><Head/></Message>"])
def test_malformed_or_misshapen_input_is_a_typed_error(xml):
    with pytest.raises(MessageError):
        parse_message(xml=xml)


def test_validate_reports_unreadable_input_instead_of_raising():
    assert validate_message(xml=XXE) == ["报文不得包含 DOCTYPE 或实体声明"]
    assert validate_message(xml=b"<Message><Head/><Data/></Message>") == ["报文头缺少业务编码（RecType）"]


def test_receipts_are_read_and_their_flag_checked():
    receipt = parse_receipt(
        xml=b"<Rep><BizMsgID>340121260101000001</BizMsgID><SuccessFlag>2</SuccessFlag>"
        b"<ResponseCode>E01</ResponseCode><ResponseInfo>\xe5\xa4\xb1\xe8\xb4\xa5</ResponseInfo></Rep>"
    )
    assert not receipt.accepted and receipt.response_info == "失败"
    with pytest.raises(MessageError):
        parse_receipt(xml=b"<Rep><SuccessFlag>7</SuccessFlag></Rep>")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=512))
def test_arbitrary_bytes_never_crash_the_parser(data):
    with contextlib.suppress(MessageError):
        parse_message(xml=data)
