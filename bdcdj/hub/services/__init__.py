"""Write paths of the hub: node registry, message receiving, mirror, forwarding."""

from bdcdj.hub.services.batch import messages_receive_batch
from bdcdj.hub.services.forward import forward_enqueue
from bdcdj.hub.services.mirror import mirror_apply, record_hash
from bdcdj.hub.services.nodes import (
    NodeRegistration,
    node_authenticate,
    node_register,
    node_set_active,
    region_covers,
)
from bdcdj.hub.services.receipts import Code, Receipt, Refusal
from bdcdj.hub.services.receive import message_receive, original_id

__all__ = [
    "Code",
    "NodeRegistration",
    "Receipt",
    "Refusal",
    "forward_enqueue",
    "message_receive",
    "messages_receive_batch",
    "mirror_apply",
    "node_authenticate",
    "node_register",
    "node_set_active",
    "original_id",
    "record_hash",
    "region_covers",
]
