"""Custom field metadata, as the Tooling API's `CustomField.Metadata` gives it, checked the
way Salesforce checks it and turned into the describe field the object then shows.

Also the way back: the metadata and the `FieldDefinition.DataType` of an existing describe
field, for fields that came from `--schema` or a seed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .describe import JsonDict, complete_field

# Every key a metadata body may carry, with the value a field created without it has.
METADATA_KEYS: dict[str, Any] = {
    "label": None,
    "type": None,
    "length": None,
    "precision": None,
    "scale": None,
    "visibleLines": None,
    "externalId": False,
    "unique": False,
    "caseSensitive": False,
    "trackHistory": False,
    "required": False,
    "defaultValue": None,
    "description": None,
    "inlineHelpText": None,
}

_NUMBERS = ("Number", "Percent", "Currency")
_DESCRIBE_TYPES = {
    "Text": "string",
    "TextArea": "textarea",
    "LongTextArea": "textarea",
    "Url": "url",
    "Email": "email",
    "Phone": "phone",
    "Number": "double",
    "Percent": "percent",
    "Currency": "currency",
    "Date": "date",
    "DateTime": "datetime",
    "Checkbox": "boolean",
}
# Which sizing keys each type takes; giving another is an error, as in Salesforce.
_SIZING = {
    "Text": ("length",),
    "LongTextArea": ("length", "visibleLines"),
    "Number": ("precision", "scale"),
    "Percent": ("precision", "scale"),
    "Currency": ("precision", "scale"),
}
_IDENTIFYING = ("Text", "Number", "Email")
_DEVELOPER_NAME = re.compile(r"[A-Za-z](?:[A-Za-z0-9]|_(?!_))*")
_LIMITS = {"length": (1, 255), "precision": (1, 18)}
_LONG_LENGTH = (256, 131072)
_LINES = (2, 50)


class MetadataProblem(Exception):
    """Metadata Salesforce would refuse: `code` is its errorCode, the message names why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class FullName:
    """The parts of `Object.Field__c`."""

    object_name: str
    field_name: str

    @property
    def developer_name(self) -> str:
        """The field's name without its `__c` suffix."""
        return self.field_name.removesuffix("__c")


def split_name(name: str) -> tuple[str | None, str]:
    """Return (namespace prefix, developer name) of a field name: `ns__Name__c` -> ns, Name."""
    stem = name.removesuffix("__c")
    namespace, separator, rest = stem.partition("__")
    return (namespace, rest) if separator and rest else (None, stem)


def integrity(message: str) -> MetadataProblem:
    """Return the problem of metadata that breaks a rule of its type."""
    return MetadataProblem("FIELD_INTEGRITY_EXCEPTION", message)


def parse_full_name(value: Any) -> FullName:
    """Read `Object.Field__c`; raise MetadataProblem when it is not a custom field's name."""
    if not isinstance(value, str) or value.count(".") != 1:
        raise integrity(
            f"FullName: {value!r} is not Object.Field__c; give the object and the field, such "
            "as Opportunity.Baton_Status__c"
        )
    object_name, field_name = value.split(".")
    if not field_name.endswith("__c"):
        raise integrity(f"FullName: custom field {field_name!r} must end with __c")
    developer_name = field_name.removesuffix("__c")
    if not _DEVELOPER_NAME.fullmatch(developer_name) or developer_name.endswith("_"):
        raise integrity(
            f"FullName: {field_name!r} is not a valid field name: it must begin with a letter, "
            "hold only letters, digits and single underscores, and not end with an underscore"
        )
    if len(developer_name) > 40:
        raise integrity(f"FullName: {developer_name!r} is longer than 40 characters")
    return FullName(object_name, field_name)


def check_metadata(metadata: Any) -> JsonDict:
    """Return complete metadata (every key) after Salesforce's checks, or raise."""
    if not isinstance(metadata, dict):
        raise MetadataProblem(
            "JSON_PARSER_ERROR", "Metadata must be an object such as {label: ..., type: Text}"
        )
    unknown = sorted(set(metadata) - set(METADATA_KEYS))
    if unknown:
        raise MetadataProblem(
            "JSON_PARSER_ERROR",
            f'Unrecognized field "{unknown[0]}" in Metadata; use {", ".join(METADATA_KEYS)}',
        )
    complete = {**METADATA_KEYS, **metadata}
    field_type = complete["type"]
    if field_type not in _DESCRIBE_TYPES:
        raise integrity(
            f"type: {field_type!r} is not a field type that can be created here; use one of "
            f"{', '.join(_DESCRIBE_TYPES)}"
        )
    _check_label(complete["label"])
    _check_sizing(field_type, complete)
    _check_flags(field_type, complete)
    return complete


def _check_label(label: Any) -> None:
    if not isinstance(label, str) or not label.strip():
        raise integrity("label: You must enter a value")
    if len(label) > 40:
        raise integrity(f"label: {label!r} is longer than 40 characters")


def _check_sizing(field_type: str, metadata: JsonDict) -> None:
    allowed = _SIZING.get(field_type, ())
    for key in ("length", "precision", "scale", "visibleLines"):
        if metadata[key] is not None and key not in allowed:
            raise integrity(f"Can not specify '{key}' for a CustomField of type {field_type}")
        if metadata[key] is not None and not _whole(metadata[key]):
            raise integrity(f"{key}: {metadata[key]!r} is not a whole number")
    if field_type == "Text":
        _check_range("length", metadata["length"], _LIMITS["length"])
    if field_type == "LongTextArea":
        _check_range("length", metadata["length"], _LONG_LENGTH)
        _check_range("visibleLines", metadata["visibleLines"], _LINES)
    if field_type in _NUMBERS:
        _check_range("precision", metadata["precision"], _LIMITS["precision"])
        _check_range("scale", metadata["scale"], (0, int(metadata["precision"])))


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_range(key: str, value: Any, bounds: tuple[int, int]) -> None:
    low, high = bounds
    if value is None:
        raise integrity(f"{key}: You must enter a value (from {low} to {high})")
    if not low <= int(value) <= high:
        raise integrity(f"{key}: {value} must be from {low} to {high}")


def _check_flags(field_type: str, metadata: JsonDict) -> None:
    for key in ("externalId", "unique", "caseSensitive", "trackHistory", "required"):
        if not isinstance(metadata[key], bool):
            raise integrity(f"{key}: {metadata[key]!r} is not true or false")
    if metadata["externalId"] and field_type not in _IDENTIFYING:
        raise integrity(f"externalId: a {field_type} field cannot be an external ID")
    if metadata["unique"] and field_type not in _IDENTIFYING:
        raise integrity(f"unique: a {field_type} field cannot be unique")
    if metadata["caseSensitive"] and not (metadata["unique"] and field_type == "Text"):
        raise integrity("caseSensitive: only a unique Text field can be case sensitive")
    if metadata["required"] and field_type == "Checkbox":
        raise integrity("required: a Checkbox field cannot be required")
    default = metadata["defaultValue"]
    if (
        default is not None
        and field_type == "Checkbox"
        and str(default).lower()
        not in (
            "true",
            "false",
        )
    ):
        raise integrity(f"defaultValue: {default!r} is not true or false")


def describe_field(name: str, metadata: JsonDict) -> JsonDict:
    """Return the describe field of a custom field with checked metadata."""
    field_type = metadata["type"]
    partial: JsonDict = {
        "name": name,
        "label": metadata["label"],
        "type": _DESCRIBE_TYPES[field_type],
        "externalId": metadata["externalId"],
        "unique": metadata["unique"],
        "caseSensitive": metadata["caseSensitive"],
        "inlineHelpText": metadata["inlineHelpText"],
    }
    if field_type in ("Text", "LongTextArea"):
        partial["length"] = metadata["length"]
    if field_type == "TextArea":
        partial["length"] = 255
    if field_type in _NUMBERS:
        partial["precision"] = metadata["precision"]
        partial["scale"] = metadata["scale"]
    if field_type == "Checkbox":
        partial["defaultValue"] = str(metadata["defaultValue"]).lower() == "true"
    if metadata["required"]:
        partial["nillable"] = False
    return complete_field(partial)


_METADATA_TYPES = {
    "string": "Text",
    "url": "Url",
    "email": "Email",
    "phone": "Phone",
    "double": "Number",
    "int": "Number",
    "percent": "Percent",
    "currency": "Currency",
    "date": "Date",
    "datetime": "DateTime",
    "boolean": "Checkbox",
    "reference": "Lookup",
    "picklist": "Picklist",
    "multipicklist": "MultiselectPicklist",
}


def metadata_of(field: JsonDict, tracked: bool) -> JsonDict:
    """Return the metadata of an existing describe field (one from a schema or seed)."""
    field_type = field.get("type", "string")
    length = int(field.get("length") or 0)
    if field_type == "textarea":
        kind = "LongTextArea" if length > 255 else "TextArea"
    else:
        kind = _METADATA_TYPES.get(field_type, "Text")
    metadata = {
        **METADATA_KEYS,
        "label": field.get("label"),
        "type": kind,
        "externalId": bool(field.get("externalId")),
        "unique": bool(field.get("unique")),
        "caseSensitive": bool(field.get("caseSensitive")),
        "trackHistory": tracked,
        "required": not field.get("nillable", True) and field_type != "boolean",
        "inlineHelpText": field.get("inlineHelpText"),
    }
    if kind in ("Text", "LongTextArea"):
        metadata["length"] = length
    if kind in _NUMBERS:
        metadata["precision"] = field.get("precision")
        metadata["scale"] = field.get("scale")
    if kind == "LongTextArea":
        metadata["visibleLines"] = 3
    return metadata


def data_type(field: JsonDict) -> str:
    """Return a field's type as `FieldDefinition.DataType` writes it (`Text(255)`)."""
    label = _data_type(field)
    return f"Formula ({label})" if field.get("calculated") else label


def _data_type(field: JsonDict) -> str:
    field_type = field.get("type", "string")
    length = int(field.get("length") or 0)
    digits = int(field.get("precision") or 0) - int(field.get("scale") or 0)
    scale = int(field.get("scale") or 0)
    fixed = {
        "email": "Email",
        "phone": "Phone",
        "boolean": "Checkbox",
        "date": "Date",
        "datetime": "Date/Time",
        "time": "Time",
        "picklist": "Picklist",
        "multipicklist": "Picklist (Multi-Select)",
        "id": "Lookup()",
        "int": "Number(9, 0)",
        "address": "Address",
    }
    if field_type in fixed:
        return fixed[field_type]
    if field_type == "string":
        return f"Text({length})"
    if field_type == "textarea":
        return f"Long Text Area({length})" if length > 255 else "Text Area(255)"
    if field_type == "url":
        return f"URL({length})"
    if field_type in ("double", "currency", "percent"):
        name = {"double": "Number", "currency": "Currency", "percent": "Percent"}[field_type]
        return f"{name}({digits}, {scale})"
    if field_type == "reference":
        return f"Lookup({','.join(field.get('referenceTo') or [])})"
    return str(field_type)
