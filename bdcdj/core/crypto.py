"""国密 primitives (GB/T 32905 SM3, GB/T 32907 SM4) on OpenSSL via `cryptography`.

SM4 is used in CBC mode with a random IV and PKCS#7 padding for data at rest; the IV is
prefixed to the ciphertext. HMAC-SM3 gives keyed digests (blind indexes, signatures of
packages between nodes of the same operator).
"""

import os

from cryptography.hazmat.primitives import hashes, hmac, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

SM4_KEY_BYTES = 16
SM4_BLOCK_BYTES = 16


def sm3_digest(data: bytes) -> bytes:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


def sm3_hex(data: bytes) -> str:
    return sm3_digest(data).hex()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def hmac_sm3_hex(key: bytes, data: bytes) -> str:
    return hmac_sm3(key, data).hex()


def _check_key(key: bytes) -> None:
    if len(key) != SM4_KEY_BYTES:
        raise ValueError("SM4 key must be 16 bytes")


def sm4_encrypt_block(key: bytes, block: bytes) -> bytes:
    """Raw single-block SM4 (ECB of one block), exposed for the GB/T 32907 test vectors."""
    _check_key(key)
    if len(block) != SM4_BLOCK_BYTES:
        raise ValueError("SM4 block must be 16 bytes")
    enc = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


def sm4_decrypt_block(key: bytes, block: bytes) -> bytes:
    _check_key(key)
    if len(block) != SM4_BLOCK_BYTES:
        raise ValueError("SM4 block must be 16 bytes")
    dec = Cipher(algorithms.SM4(key), modes.ECB()).decryptor()
    return dec.update(block) + dec.finalize()


def sm4_encrypt(key: bytes, plaintext: bytes) -> bytes:
    """SM4-CBC with a fresh random IV; returns IV || ciphertext."""
    _check_key(key)
    iv = os.urandom(SM4_BLOCK_BYTES)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    enc = Cipher(algorithms.SM4(key), modes.CBC(iv)).encryptor()
    return iv + enc.update(padded) + enc.finalize()


def sm4_decrypt(key: bytes, data: bytes) -> bytes:
    """Inverse of `sm4_encrypt`; raises ValueError on a wrong key or damaged data."""
    _check_key(key)
    if len(data) < 2 * SM4_BLOCK_BYTES or len(data) % SM4_BLOCK_BYTES:
        raise ValueError("SM4 ciphertext has a wrong length")
    iv, body = data[:SM4_BLOCK_BYTES], data[SM4_BLOCK_BYTES:]
    dec = Cipher(algorithms.SM4(key), modes.CBC(iv)).decryptor()
    padded = dec.update(body) + dec.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(padded) + unpadder.finalize()
