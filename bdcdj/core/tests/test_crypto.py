"""国密 primitives against the published vectors and an independent implementation (gmssl)."""

import hmac as std_hmac

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from gmssl import func, sm3
from hypothesis import given, settings
from hypothesis import strategies as st

from bdcdj.core.crypto import (
    hmac_sm3,
    hmac_sm3_hex,
    sm3_digest,
    sm3_hex,
    sm4_decrypt,
    sm4_decrypt_block,
    sm4_encrypt,
    sm4_encrypt_block,
)

SM4_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")
keys = st.binary(min_size=16, max_size=16)


def gmssl_sm3(data: bytes) -> bytes:
    return bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(data)))


def gmssl_hmac_sm3(key: bytes, data: bytes) -> bytes:
    """RFC 2104 built by hand on gmssl's pure-Python SM3 (block size 64 bytes)."""
    if len(key) > 64:
        key = gmssl_sm3(key)
    key = key.ljust(64, b"\x00")
    inner = gmssl_sm3(bytes(b ^ 0x36 for b in key) + data)
    return gmssl_sm3(bytes(b ^ 0x5C for b in key) + inner)


# --- SM3 (GB/T 32905-2016, appendix A) ---


def test_sm3_of_abc_matches_the_standard_vector():
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm3_of_64_byte_message_matches_the_standard_vector():
    assert sm3_hex(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_sm3_digest_is_32_bytes_and_hex_agrees():
    assert len(sm3_digest(b"")) == 32
    assert sm3_digest(b"abc").hex() == sm3_hex(b"abc")


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300))
def test_sm3_agrees_with_gmssl(data):
    assert sm3_digest(data) == gmssl_sm3(data)


# --- SM4 (GB/T 32907-2016, appendix A) ---


def test_sm4_single_block_matches_the_standard_vector():
    assert sm4_encrypt_block(SM4_KEY, SM4_KEY).hex() == "681edf34d206965e86b3e94f536e4246"
    assert sm4_decrypt_block(SM4_KEY, bytes.fromhex("681edf34d206965e86b3e94f536e4246")) == SM4_KEY


def test_sm4_one_million_encryptions_match_the_standard_vector():
    encryptor = Cipher(algorithms.SM4(SM4_KEY), modes.ECB()).encryptor()
    block = SM4_KEY
    for _ in range(1_000_000):
        block = encryptor.update(block)
    assert block.hex() == "595298c7c6fd271f0402f804c33d3f66"


@pytest.mark.parametrize("bad_key", [b"", b"short", bytes(15), bytes(17), bytes(32)])
def test_sm4_refuses_keys_that_are_not_16_bytes(bad_key):
    with pytest.raises(ValueError):
        sm4_encrypt(bad_key, b"data")
    with pytest.raises(ValueError):
        sm4_encrypt_block(bad_key, bytes(16))


def test_sm4_block_functions_refuse_partial_blocks():
    with pytest.raises(ValueError):
        sm4_encrypt_block(SM4_KEY, bytes(15))
    with pytest.raises(ValueError):
        sm4_decrypt_block(SM4_KEY, bytes(17))


def test_sm4_cbc_round_trips_and_uses_a_fresh_iv_each_time():
    first = sm4_encrypt(SM4_KEY, "张三 340121199001011234".encode())
    second = sm4_encrypt(SM4_KEY, "张三 340121199001011234".encode())
    assert first != second
    assert first[:16] != second[:16]
    assert sm4_decrypt(SM4_KEY, first) == sm4_decrypt(SM4_KEY, second) == "张三 340121199001011234".encode()


def test_sm4_cbc_output_is_iv_plus_padded_blocks():
    assert len(sm4_encrypt(SM4_KEY, b"")) == 32
    assert len(sm4_encrypt(SM4_KEY, bytes(15))) == 32
    assert len(sm4_encrypt(SM4_KEY, bytes(16))) == 48


def test_sm4_decrypt_with_the_wrong_key_fails_or_never_returns_the_plaintext():
    plaintext = b"secret owner name"
    token = sm4_encrypt(SM4_KEY, plaintext)
    for i in range(1, 33):
        wrong = bytes([i]) * 16
        try:
            result: bytes | None = sm4_decrypt(wrong, token)
        except ValueError:
            result = None
        assert result != plaintext


def test_sm4_decrypt_with_the_wrong_key_usually_fails_on_padding():
    token = sm4_encrypt(SM4_KEY, b"secret owner name")
    failures = 0
    for i in range(1, 65):
        try:
            sm4_decrypt(bytes([i]) * 16, token)
        except ValueError:
            failures += 1
    assert failures >= 56  # a random last block has valid PKCS#7 padding about 1 time in 256


@pytest.mark.parametrize("cut", [0, 1, 16, 31, 33])
def test_sm4_decrypt_refuses_truncated_or_misaligned_data(cut):
    token = sm4_encrypt(SM4_KEY, b"0123456789abcdef0123")
    with pytest.raises(ValueError):
        sm4_decrypt(SM4_KEY, token[:cut])


def test_sm4_decrypt_detects_a_damaged_last_block():
    token = bytearray(sm4_encrypt(SM4_KEY, b"exactly sixteen!"))  # last block is all padding
    token[-1] ^= 0xFF
    with pytest.raises(ValueError):
        sm4_decrypt(SM4_KEY, bytes(token))


@settings(max_examples=200, deadline=None)
@given(key=keys, plaintext=st.binary(max_size=1024))
def test_sm4_cbc_round_trip_property(key, plaintext):
    token = sm4_encrypt(key, plaintext)
    assert len(token) % 16 == 0
    assert len(token) >= len(plaintext) + 17
    assert sm4_decrypt(key, token) == plaintext


@settings(max_examples=200, deadline=None)
@given(key=keys, block=st.binary(min_size=16, max_size=16))
def test_sm4_block_round_trip_property(key, block):
    assert sm4_decrypt_block(key, sm4_encrypt_block(key, block)) == block


# --- HMAC-SM3 ---


@pytest.mark.parametrize(
    ("key", "data"),
    [
        (b"", b""),
        (b"key", b"The quick brown fox jumps over the lazy dog"),
        (bytes(64), b"abc"),  # key exactly one block
        (bytes(range(100)), b"abc"),  # key longer than a block is hashed first
        ("盲索引".encode(), b"340121199001011234"),
    ],
)
def test_hmac_sm3_agrees_with_a_hand_built_hmac_on_gmssl(key, data):
    assert hmac_sm3(key, data) == gmssl_hmac_sm3(key, data)
    assert hmac_sm3_hex(key, data) == gmssl_hmac_sm3(key, data).hex()


@settings(max_examples=40, deadline=None)
@given(key=st.binary(max_size=130), data=st.binary(max_size=200))
def test_hmac_sm3_agrees_with_gmssl_property(key, data):
    assert hmac_sm3(key, data) == gmssl_hmac_sm3(key, data)


def test_hmac_sm3_depends_on_the_key():
    assert hmac_sm3(b"k1", b"data") != hmac_sm3(b"k2", b"data")
    assert std_hmac.compare_digest(hmac_sm3(b"k1", b"data"), hmac_sm3(b"k1", b"data"))
