"""Drop this process's dictionary cache whenever a dictionary or item is written (e.g. in the admin).

Cleared both at once and again on commit, so a lookup made inside the saving transaction cannot
leave a stale entry behind for later requests.
"""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from bdcdj.standards.models import Dictionary, DictionaryItem
from bdcdj.standards.selectors import dictionary_cache_clear


@receiver(post_save, sender=Dictionary)
@receiver(post_delete, sender=Dictionary)
@receiver(post_save, sender=DictionaryItem)
@receiver(post_delete, sender=DictionaryItem)
def _dictionary_changed(sender: type, **kwargs: Any) -> None:
    dictionary_cache_clear()
    transaction.on_commit(dictionary_cache_clear, using=kwargs.get("using"))
