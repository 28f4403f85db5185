"""Face check hook (人脸核验). `BDCDJ_PORTAL_FACE_CHECKER` names the implementation; the
development one asks the sharing app's `identity.face` check (a simulator department runs
behind it) with a SHA3-256 digest of the photo, never the photo itself."""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from bdcdj.sharing.services import CheckOutcome, check


class FaceChecker(Protocol):
    def check(self, *, id_number: str, image: bytes, operator: str) -> CheckOutcome: ...


class SharingFaceChecker:
    def check(self, *, id_number: str, image: bytes, operator: str) -> CheckOutcome:
        digest = hashlib.sha3_256(image).hexdigest()
        return check(
            kind="identity.face", params={"id_number": id_number, "image_sha3": digest}, operator=operator
        )


@cache
def _checker_class(path: str) -> type:
    return import_string(path)


def face_checker() -> FaceChecker:
    return _checker_class(settings.BDCDJ_PORTAL_FACE_CHECKER)()
