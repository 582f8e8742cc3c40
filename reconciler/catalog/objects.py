"""The Salesforce objects an import rule may import from."""

from __future__ import annotations

import re
from typing import Final

IMPORTABLE_OBJECTS: frozenset[str] = frozenset(
    {
        "Account",
        "Campaign",
        "Case",
        "Contact",
        "ContractLineItem",
        "Entitlement",
        "Lead",
        "LiveChatTranscript",
        "MessagingSession",
        "Opportunity",
        "Quote",
        "QuoteLineItem",
        "ServiceAppointment",
        "ServiceContract",
        "Task",
        "UserServicePresence",
        "WorkOrder",
        "WorkOrderLineItem",
    }
)
"""The standard objects Baton imports from; they are also the ones PushTopics support."""

# A custom object's API name, optionally with a namespace prefix: Project__c, ns__Project__c.
_CUSTOM_OBJECT: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_]*__c$")


def is_custom_object(name: str) -> bool:
    """True for a custom object's API name (ending in `__c`)."""
    return bool(_CUSTOM_OBJECT.match(name)) and "___" not in name


def is_importable(name: str) -> bool:
    """True when an import rule may import from the object named `name` (exact API name)."""
    return name in IMPORTABLE_OBJECTS or is_custom_object(name)
