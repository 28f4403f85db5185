"""Writes of the portal. Other apps and the portal's views import from here."""

from bdcdj.portal.services.accounts import (
    citizen_face_check,
    citizen_login,
    citizen_register,
    citizen_verify,
    normalise_phone,
    sms_code_send,
)
from bdcdj.portal.services.applications import (
    Upload,
    application_signature_ok,
    application_submit,
    correction_upload,
    service_account,
)
from bdcdj.portal.services.appointments import (
    appointment_book,
    appointment_cancel,
    appointment_mark,
    office_ensure,
    slots_ensure,
)
from bdcdj.portal.services.errors import RateLimited, ServiceUnavailable
from bdcdj.portal.services.ratings import rating_submit

__all__ = [
    "RateLimited",
    "ServiceUnavailable",
    "Upload",
    "application_signature_ok",
    "application_submit",
    "appointment_book",
    "appointment_cancel",
    "appointment_mark",
    "citizen_face_check",
    "citizen_login",
    "citizen_register",
    "citizen_verify",
    "correction_upload",
    "normalise_phone",
    "office_ensure",
    "rating_submit",
    "service_account",
    "slots_ensure",
    "sms_code_send",
]
