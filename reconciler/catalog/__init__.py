"""Product knowledge of the Baton and Salesforce integration: the Baton fields and their
types, the objects Baton imports from, type compatibility, status translation, and value
conversion between the two systems."""

from reconciler.catalog.compatibility import Direction, accepts, rejection_reason
from reconciler.catalog.conversions import ConversionError, from_salesforce, to_salesforce
from reconciler.catalog.fields import (
    BATON_FIELDS,
    CUSTOM_FIELD_KINDS,
    CUSTOM_PREFIX,
    BatonField,
    baton_field,
    importable_keys,
    is_custom_key,
    syncable_keys,
)
from reconciler.catalog.objects import IMPORTABLE_OBJECTS, is_custom_object, is_importable
from reconciler.catalog.salesforce_id import canonical_id, is_salesforce_id
from reconciler.catalog.status import STATUS_TO_SALESFORCE

__all__ = [
    "BATON_FIELDS",
    "CUSTOM_FIELD_KINDS",
    "CUSTOM_PREFIX",
    "IMPORTABLE_OBJECTS",
    "STATUS_TO_SALESFORCE",
    "BatonField",
    "ConversionError",
    "Direction",
    "accepts",
    "baton_field",
    "canonical_id",
    "from_salesforce",
    "importable_keys",
    "is_custom_key",
    "is_custom_object",
    "is_importable",
    "is_salesforce_id",
    "rejection_reason",
    "syncable_keys",
    "to_salesforce",
]
