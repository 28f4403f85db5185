"""The registration authority's PDF signature (PAdES, pyHanko).

pyHanko has no SM2: PDF signing needs a CMS signer with an algorithm it can drive, and SM2
with SM3 is not one of them. The node therefore signs with ECDSA P-256 / SHA-256 under a
self-issued X.509 certificate, and every version's SM3 digest is recorded beside it (so the
国密 digest of what was issued is still kept and checked). With an SM2-capable signer the
key can be swapped without touching the callers.

The identity (private key and certificate) is one PEM file per node: taken from
`BDCDJ_CERTS_SIGNING_KEY` + `BDCDJ_CERTS_SIGNING_CERT` when both are set, otherwise created
once under `BDCDJ_CERTS_DIR/signing/identity.pem` with mode 0600 (directory 0700). Creation
is atomic (write to a temporary file, then hard-link into place): two processes starting at
once end up with the same identity.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import io
import os
import tempfile
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from bdcdj.core.crypto import sm3_hex

IDENTITY_FILE = "identity.pem"
VALIDITY_YEARS = 20
FIELD_NAME = "BdcdjSignature"
T = TypeVar("T")


def _run(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run one of pyHanko's coroutines to completion. pyHanko's sync wrappers call
    asyncio.run, which fails in a thread that already runs an event loop (an async server,
    a browser-driving test); there the coroutine runs in a short-lived worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def certs_dir() -> Path:
    return Path(settings.BDCDJ_CERTS_DIR)


@dataclass(frozen=True)
class Identity:
    key_pem: bytes
    cert_pem: bytes

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return load_cert_from_pemder_bytes(self.cert_pem)

    @property
    def fingerprint(self) -> str:
        """SM3 of the DER certificate: names the identity in version rows and logs."""
        return sm3_hex(self.certificate.dump())


def load_cert_from_pemder_bytes(data: bytes) -> asn1_x509.Certificate:
    return next(iter(load_certs_from_pemder_data(data)))


def _subject_name() -> x509.Name:
    region = str(settings.BDCDJ_REGION_CODE)
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "不动产登记机构"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"行政区划 {region}"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"不动产登记电子证照签章 {region}"),
        ]
    )


def _generate() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    name = _subject_name()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * VALIDITY_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM) + key_pem


def _split(pem: bytes) -> Identity:
    marker = b"-----BEGIN PRIVATE KEY-----"
    at = pem.find(marker)
    if at < 0:
        raise ValueError("signing identity file has no PKCS#8 private key")
    return Identity(key_pem=pem[at:], cert_pem=pem[:at])


def _ensure_file() -> Path:
    directory = certs_dir() / "signing"
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    target = directory / IDENTITY_FILE
    if target.exists():
        return target
    fd, temp = tempfile.mkstemp(dir=directory, prefix=".identity-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(_generate())
        with contextlib.suppress(FileExistsError):  # another process got there first; theirs wins
            os.link(temp, target)
    finally:
        os.unlink(temp)
    return target


def identity() -> Identity:
    """The node's signing identity, created on first use."""
    key_path, cert_path = settings.BDCDJ_CERTS_SIGNING_KEY, settings.BDCDJ_CERTS_SIGNING_CERT
    if key_path and cert_path:
        return _cached(str(key_path), str(cert_path), 0.0)
    path = _ensure_file()
    return _cached(str(path), "", path.stat().st_mtime)


@functools.lru_cache(maxsize=4)
def _cached(key_path: str, cert_path: str, _mtime: float) -> Identity:
    if cert_path:
        return Identity(key_pem=Path(key_path).read_bytes(), cert_pem=Path(cert_path).read_bytes())
    return _split(Path(key_path).read_bytes())


def sign_pdf(pdf: bytes, *, reason: str, location: str) -> bytes:
    """PAdES baseline signature over the whole document (one incremental revision)."""
    ident = identity()
    signer = signers.SimpleSigner(
        signing_cert=ident.certificate,
        signing_key=load_private_key_from_pemder_data(ident.key_pem, passphrase=None),
        cert_registry=SimpleCertificateStore(),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason=reason,
        location=location,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    out = _run(lambda: signers.async_sign_pdf(writer, meta, signer=signer))
    return bytes(out.getvalue())


@dataclass(frozen=True)
class SignatureCheck:
    """What the signature of an uploaded PDF says."""

    signed: bool
    intact: bool  # the signed bytes are unchanged
    trusted: bool  # signed by this node's certificate
    whole_file: bool  # nothing was added after signing
    signer: str
    message: str

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted and self.whole_file


class NotAPdf(ValueError):
    """The upload could not be parsed as a PDF."""


def signature_check(pdf: bytes) -> SignatureCheck:
    """Validate the (last) signature against this node's certificate; no network access."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise NotAPdf(str(exc)) from exc
    if not signatures:
        return SignatureCheck(False, False, False, False, "", "该文件没有电子签章")
    embedded = signatures[-1]
    context = ValidationContext(
        trust_roots=[identity().certificate], allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        status = _run(lambda: async_validate_pdf_signature(embedded, signer_validation_context=context))
    except (SignatureValidationError, PdfError, ValueError) as exc:
        return SignatureCheck(True, False, False, False, "", f"签章无法校验：{type(exc).__name__}")
    signer = ""
    if status.signing_cert is not None:
        signer = str(status.signing_cert.subject.native.get("common_name", ""))
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    intact = bool(status.intact and status.valid)
    trusted = bool(status.trusted)
    if not intact:
        message = "签章校验失败：文件在签章后被改动"
    elif not trusted:
        message = "签章不是本登记机构的证书所签"
    elif not whole:
        message = "签章有效，但签章后文件又被追加了内容"
    else:
        message = "签章有效，文件未被改动"
    return SignatureCheck(True, intact, trusted, whole, signer, message)
