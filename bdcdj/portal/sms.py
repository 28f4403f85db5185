"""SMS senders. The portal calls the sender named by `BDCDJ_PORTAL_SMS_SENDER` after the
transaction that created the code commits; a production deployment points it at a class that
talks to its SMS gateway. The development sender writes to the 短信发件箱 table instead."""

from __future__ import annotations

from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from bdcdj.accounts import pii


class SmsSender(Protocol):
    def send(self, *, phone: str, text: str) -> None: ...


class OutboxSender:
    """Development sender: the message lands in `SmsOutbox`, readable by staff with `portal.sms`."""

    def send(self, *, phone: str, text: str) -> None:
        from bdcdj.portal.models import SmsOutbox

        SmsOutbox.objects.create(
            phone_index=phone_index(phone), phone_masked=pii.mask_phone(phone), text=text[:300]
        )


def phone_index(phone: str) -> str:
    return pii.keyed_digest(phone, purpose="portal.phone")


@cache
def _sender_class(path: str) -> type:
    return import_string(path)


def sender() -> SmsSender:
    return _sender_class(settings.BDCDJ_PORTAL_SMS_SENDER)()
