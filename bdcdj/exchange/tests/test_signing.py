"""SM2 signatures agree with gmssl's independent implementation, both ways (Z with the
default user ID 1234567812345678)."""

from gmssl import sm2

from bdcdj.exchange import signing

DEV_KEY = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"


def _gmssl() -> sm2.CryptSM2:
    return sm2.CryptSM2(private_key=DEV_KEY, public_key=signing.node_public_key_hex()[2:])


def test_our_signature_verifies_with_gmssl():
    data = "不动产登记接入报文".encode()
    signature = signing.sign(data)
    assert len(signature) == 128
    assert _gmssl().verify_with_sm3(signature, data)


def test_gmssl_signature_verifies_with_ours():
    data = b"<Message><Head><DigitalSign></DigitalSign></Head></Message>"
    signature = _gmssl().sign_with_sm3(data)
    assert signing.verify(public_key_hex=signing.node_public_key_hex(), data=data, signature_hex=signature)
    assert signing.verify(
        public_key_hex=signing.node_public_key_hex()[2:], data=data, signature_hex=signature
    )


def test_tampering_or_malformed_input_does_not_verify():
    signature = signing.sign(b"abc")
    key = signing.node_public_key_hex()
    assert not signing.verify(public_key_hex=key, data=b"abd", signature_hex=signature)
    assert not signing.verify(public_key_hex=key, data=b"abc", signature_hex="zz")
    assert not signing.verify(public_key_hex="04ff", data=b"abc", signature_hex=signature)


def test_message_signature_covers_the_bytes_with_digitalsign_blanked():
    xml = b"<Message><Head><BizMsgID>1</BizMsgID><DigitalSign></DigitalSign></Head><Data/></Message>"
    signed = signing.sign_message(xml)
    canonical, signature = signing.message_signature(signed)
    assert canonical == xml and len(signature) == 128
    assert signing.verify_message(xml=signed, public_key_hex=signing.node_public_key_hex())
    assert not signing.verify_message(
        xml=signed.replace(b"<BizMsgID>1", b"<BizMsgID>2"), public_key_hex=signing.node_public_key_hex()
    )
