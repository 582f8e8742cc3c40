"""The Salesforce field types the emulator knows, in one table.

For each describe `type`: its `soapType`, how SQLite stores a value of it, and which kind of
SOQL literal it compares with. Every other module asks this table instead of listing types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Storage = Literal["text", "real", "integer", "boolean"]
LiteralKind = Literal["string", "id", "number", "boolean", "date", "datetime", "other"]


@dataclass(frozen=True)
class TypeInfo:
    """What the emulator needs to know about one describe field type."""

    soap_type: str
    storage: Storage
    literal: LiteralKind
    default_length: int = 0


TYPES: dict[str, TypeInfo] = {
    "id": TypeInfo("tns:ID", "text", "id", 18),
    "reference": TypeInfo("tns:ID", "text", "id", 18),
    "string": TypeInfo("xsd:string", "text", "string", 255),
    "textarea": TypeInfo("xsd:string", "text", "string", 32768),
    "picklist": TypeInfo("xsd:string", "text", "string", 255),
    "multipicklist": TypeInfo("xsd:string", "text", "string", 4099),
    "combobox": TypeInfo("xsd:string", "text", "string", 255),
    "email": TypeInfo("xsd:string", "text", "string", 80),
    "phone": TypeInfo("xsd:string", "text", "string", 40),
    "url": TypeInfo("xsd:string", "text", "string", 255),
    "encryptedstring": TypeInfo("xsd:string", "text", "string", 175),
    "double": TypeInfo("xsd:double", "real", "number"),
    "currency": TypeInfo("xsd:double", "real", "number"),
    "percent": TypeInfo("xsd:double", "real", "number"),
    "int": TypeInfo("xsd:int", "integer", "number"),
    "long": TypeInfo("xsd:long", "integer", "number"),
    "boolean": TypeInfo("xsd:boolean", "boolean", "boolean"),
    "date": TypeInfo("xsd:date", "text", "date"),
    "datetime": TypeInfo("xsd:dateTime", "text", "datetime"),
    "time": TypeInfo("xsd:time", "text", "other"),
    "base64": TypeInfo("xsd:base64Binary", "text", "other"),
    "address": TypeInfo("urn:address", "text", "other"),
    "location": TypeInfo("urn:location", "text", "other"),
    "anyType": TypeInfo("xsd:anyType", "text", "other"),
}

# Default precision and scale of a number field created without them.
NUMBER_DEFAULTS: dict[str, tuple[int, int]] = {
    "double": (18, 0),
    "currency": (18, 2),
    "percent": (18, 0),
}


def type_info(type_name: str) -> TypeInfo:
    """Return the table entry of a describe type, treating unknown types as opaque text."""
    return TYPES.get(type_name, TYPES["anyType"])
