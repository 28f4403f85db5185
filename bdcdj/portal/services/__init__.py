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
    appointment_call,
    appointment_cancel,
    appointment_mark,
    appointment_serve,
    office_ensure,
    slots_ensure,
)
from bdcdj.portal.services.collection import collection_code_issue, collection_confirm, collection_lookup
from bdcdj.portal.services.errors import RateLimited, ServiceUnavailable
from bdcdj.portal.services.kiosk import (
    kiosk_account,
    kiosk_card_read,
    kiosk_device_authenticate,
    kiosk_device_disable,
    kiosk_device_register,
    kiosk_identify,
    kiosk_rating_submit,
)
from bdcdj.portal.services.ratings import rating_submit

__all__ = [
    "RateLimited",
    "ServiceUnavailable",
    "Upload",
    "application_signature_ok",
    "application_submit",
    "appointment_book",
    "appointment_call",
    "appointment_cancel",
    "appointment_mark",
    "appointment_serve",
    "citizen_face_check",
    "citizen_login",
    "citizen_register",
    "citizen_verify",
    "collection_code_issue",
    "collection_confirm",
    "collection_lookup",
    "correction_upload",
    "kiosk_account",
    "kiosk_card_read",
    "kiosk_device_authenticate",
    "kiosk_device_disable",
    "kiosk_device_register",
    "kiosk_identify",
    "kiosk_rating_submit",
    "normalise_phone",
    "office_ensure",
    "rating_submit",
    "service_account",
    "slots_ensure",
    "sms_code_send",
]
