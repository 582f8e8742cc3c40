"""Object schemas: describe payloads, the fields the emulator reads from them, and the
defaults that turn a partial field (from a seed file) into a complete describe field.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import EmulatorError
from .sftypes import NUMBER_DEFAULTS, TYPES, type_info

JsonDict = dict[str, Any]

DEFAULT_SCHEMA_DIR = Path(__file__).with_name("schema")

# Every key of a describe field, with the value a plain custom text field has.
FIELD_TEMPLATE: JsonDict = {
    "aggregatable": True,
    "aiPredictionField": False,
    "autoNumber": False,
    "byteLength": 0,
    "calculated": False,
    "calculatedFormula": None,
    "cascadeDelete": False,
    "caseSensitive": False,
    "compoundFieldName": None,
    "controllerName": None,
    "createable": True,
    "custom": True,
    "defaultValue": None,
    "defaultValueFormula": None,
    "defaultedOnCreate": False,
    "dependentPicklist": False,
    "deprecatedAndHidden": False,
    "digits": 0,
    "displayLocationInDecimal": False,
    "encrypted": False,
    "externalId": False,
    "extraTypeInfo": None,
    "filterable": True,
    "filteredLookupInfo": None,
    "formulaTreatNullNumberAsZero": False,
    "groupable": True,
    "highScaleNumber": False,
    "htmlFormatted": False,
    "idLookup": False,
    "inlineHelpText": None,
    "label": "",
    "length": 0,
    "mask": None,
    "maskType": None,
    "name": "",
    "nameField": False,
    "namePointing": False,
    "nillable": True,
    "permissionable": True,
    "picklistValues": [],
    "polymorphicForeignKey": False,
    "precision": 0,
    "queryByDistance": False,
    "referenceTargetField": None,
    "referenceTo": [],
    "relationshipName": None,
    "relationshipOrder": None,
    "restrictedDelete": False,
    "restrictedPicklist": False,
    "scale": 0,
    "searchPrefilterable": False,
    "soapType": "xsd:string",
    "sortable": True,
    "type": "string",
    "unique": False,
    "updateable": True,
    "writeRequiresMasterRead": False,
}

# Keys of an object describe that the global describe repeats for each object.
GLOBAL_KEYS = (
    "activateable",
    "associateEntityType",
    "associateParentEntity",
    "createable",
    "custom",
    "customSetting",
    "deepCloneable",
    "deletable",
    "deprecatedAndHidden",
    "feedEnabled",
    "hasSubtypes",
    "isInterface",
    "isSubtype",
    "keyPrefix",
    "label",
    "labelPlural",
    "layoutable",
    "mergeable",
    "mruEnabled",
    "name",
    "queryable",
    "replicateable",
    "retrieveable",
    "searchable",
    "triggerable",
    "undeletable",
    "updateable",
)


@dataclass(frozen=True)
class Field:
    """The parts of a describe field that the emulator acts on."""

    name: str
    label: str
    type: str
    length: int
    precision: int
    scale: int
    digits: int
    createable: bool
    updateable: bool
    nillable: bool
    calculated: bool
    defaulted_on_create: bool
    default_value: Any
    unique: bool
    external_id: bool
    case_sensitive: bool
    reference_to: tuple[str, ...]
    relationship_name: str | None
    restricted_picklist: bool
    picklist_values: tuple[str, ...]
    filterable: bool
    sortable: bool

    @classmethod
    def from_describe(cls, payload: JsonDict) -> Field:
        """Read the acted-on keys of one describe field."""
        return cls(
            name=str(payload["name"]),
            label=str(payload.get("label") or payload["name"]),
            type=str(payload.get("type", "string")),
            length=int(payload.get("length") or 0),
            precision=int(payload.get("precision") or 0),
            scale=int(payload.get("scale") or 0),
            digits=int(payload.get("digits") or 0),
            createable=bool(payload.get("createable", False)),
            updateable=bool(payload.get("updateable", False)),
            nillable=bool(payload.get("nillable", True)),
            calculated=bool(payload.get("calculated", False)),
            defaulted_on_create=bool(payload.get("defaultedOnCreate", False)),
            default_value=payload.get("defaultValue"),
            unique=bool(payload.get("unique", False)),
            external_id=bool(payload.get("externalId", False)),
            case_sensitive=bool(payload.get("caseSensitive", False)),
            reference_to=tuple(payload.get("referenceTo") or ()),
            relationship_name=payload.get("relationshipName"),
            restricted_picklist=bool(payload.get("restrictedPicklist", False)),
            picklist_values=tuple(
                str(entry["value"])
                for entry in payload.get("picklistValues") or ()
                if entry.get("active", True)
            ),
            filterable=bool(payload.get("filterable", True)),
            sortable=bool(payload.get("sortable", True)),
        )

    @property
    def required_on_create(self) -> bool:
        """Whether a create must give this field a value (Salesforce's rule)."""
        return (
            self.createable
            and not self.nillable
            and not self.defaulted_on_create
            and self.type != "boolean"
        )


class SObject:
    """One object of the org: its describe payload and its fields by name.

    `denied` names the rights (create, read, edit, delete) the describe's flags lack
    because the user's permissions take them away, not because the object never allows
    them; see `access.py`.
    """

    def __init__(self, payload: JsonDict, denied: frozenset[str] = frozenset()) -> None:
        self.payload = payload
        self.denied = denied
        self.name: str = payload["name"]
        self.key_prefix: str = payload["keyPrefix"]
        self.createable = bool(payload.get("createable", True))
        self.updateable = bool(payload.get("updateable", True))
        self.deletable = bool(payload.get("deletable", True))
        self.queryable = bool(payload.get("queryable", True))
        self.fields: list[Field] = [Field.from_describe(entry) for entry in payload["fields"]]
        self._exact = {field.name: field for field in self.fields}
        self._by_name = {field.name.lower(): field for field in self.fields}
        self._by_relationship = {
            field.relationship_name.lower(): field
            for field in self.fields
            if field.type == "reference" and field.relationship_name
        }
        self.required = tuple(field.name for field in self.fields if field.required_on_create)
        self.references = tuple(field for field in self.fields if field.type == "reference")
        self.unique_fields = tuple(f for f in self.fields if f.unique and f.name != "Id")

    def field(self, name: str) -> Field | None:
        """Return the field of that name, compared case-insensitively as Salesforce does."""
        return self._exact.get(name) or self._by_name.get(name.lower())

    def relationship(self, name: str) -> Field | None:
        """Return the reference field whose relationship name is `name`."""
        return self._by_relationship.get(name.lower())

    def has_field(self, name: str) -> bool:
        """Tell whether the object has a field of that name."""
        return name.lower() in self._by_name


class Schema:
    """Every object of the emulated org."""

    def __init__(self, payloads: list[JsonDict]) -> None:
        self.objects: dict[str, SObject] = {}
        for payload in payloads:
            sobject = SObject(payload)
            self.objects[sobject.name.lower()] = sobject
        self._by_prefix = {sobject.key_prefix: sobject for sobject in self.objects.values()}

    @classmethod
    def of(cls, objects: list[SObject]) -> Schema:
        """Return a schema of objects already built (a user's view of the org)."""
        schema = cls([])
        for sobject in objects:
            schema.replace(sobject)
        return schema

    def replace(self, sobject: SObject) -> None:
        """Put a new version of an object (one more field, say) in place of the old one."""
        self.objects[sobject.name.lower()] = sobject
        self._by_prefix[sobject.key_prefix] = sobject

    def get(self, name: str) -> SObject | None:
        """Return the object of that name, compared case-insensitively."""
        return self.objects.get(name.lower())

    def by_prefix(self, key_prefix: str) -> SObject | None:
        """Return the object whose IDs start with `key_prefix`."""
        return self._by_prefix.get(key_prefix)

    def global_describe(self, version: str) -> JsonDict:
        """Return the payload of `GET sobjects` for an API version."""
        entries = []
        for sobject in sorted(self.objects.values(), key=lambda item: item.name):
            entry = {key: sobject.payload.get(key) for key in GLOBAL_KEYS}
            base = f"/services/data/v{version}/sobjects/{sobject.name}"
            entry["urls"] = {
                "sobject": base,
                "describe": f"{base}/describe",
                "rowTemplate": f"{base}/{{ID}}",
            }
            entries.append(entry)
        return {"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": entries}


def is_object_describe(payload: object) -> bool:
    """Tell an object describe (name, keyPrefix, fields) from other JSON."""
    return isinstance(payload, dict) and "fields" in payload and "name" in payload


def load_schema_dir(directory: Path) -> list[JsonDict]:
    """Read every object describe in a directory, skipping global describe payloads."""
    if not directory.is_dir():
        raise EmulatorError(
            f"schema directory {directory} does not exist; give a directory of describe JSON files"
        )
    payloads = []
    for path in sorted(directory.glob("*.json")):
        payload = _read_json(path)
        if isinstance(payload, dict) and "sobjects" in payload:
            continue
        _check_describe(path, payload)
        payloads.append(payload)
    return payloads


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EmulatorError(
            f"{path}: cannot read it as JSON ({error}); give a describe payload as saved "
            "from GET /services/data/vXX.X/sobjects/<Object>/describe"
        ) from error


def _check_describe(path: Path, payload: Any) -> None:
    if not is_object_describe(payload):
        raise EmulatorError(
            f"{path}: not an object describe (it needs name and fields); remove the file or "
            "replace it with the payload of GET sobjects/<Object>/describe"
        )
    prefix = payload.get("keyPrefix")
    if not isinstance(prefix, str) or len(prefix) != 3:
        raise EmulatorError(
            f"{path}: object {payload['name']} has no 3-character keyPrefix; the emulator "
            "needs one to make record IDs, so add it or remove the file"
        )
    for index, entry in enumerate(payload["fields"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise EmulatorError(
                f"{path}: {payload['name']}.fields[{index}] has no name; every describe "
                "field needs at least name and type"
            )


def complete_field(partial: JsonDict, *, custom: bool = True) -> JsonDict:
    """Fill every describe key of a partial field with what a real field of its type has.

    Raises ValueError with a message that says what is wrong and how to fix it.
    """
    unknown = sorted(set(partial) - set(FIELD_TEMPLATE) - {"values"})
    if unknown:
        raise ValueError(
            f"unknown describe key {unknown[0]!r}; use describe field keys such as name, "
            "type, length, precision, scale, externalId, unique, referenceTo"
        )
    name = partial.get("name")
    if not isinstance(name, str) or not name.replace("_", "a").isalnum():
        raise ValueError("a field needs a name made of letters, digits and underscores")
    if custom and not name.endswith("__c"):
        raise ValueError(f"custom field {name!r} must end with __c (for example {name}__c)")
    field_type = partial.get("type", "string")
    if field_type not in TYPES:
        raise ValueError(f"unknown field type {field_type!r}; use one of {', '.join(TYPES)}")

    field = copy.deepcopy(FIELD_TEMPLATE)
    field.update(_type_defaults(name, field_type, partial))
    field.update({key: value for key, value in partial.items() if key != "values"})
    field["custom"] = partial.get("custom", custom)
    _finish_field(field)
    return field


def _type_defaults(name: str, field_type: str, partial: JsonDict) -> JsonDict:
    info = type_info(field_type)
    defaults: JsonDict = {
        "name": name,
        "label": name.removesuffix("__c").replace("_", " "),
        "type": field_type,
        "soapType": info.soap_type,
        "length": info.default_length,
    }
    if field_type in NUMBER_DEFAULTS:
        defaults["precision"], defaults["scale"] = NUMBER_DEFAULTS[field_type]
    if field_type in ("int", "long"):
        defaults["digits"] = 18 if field_type == "long" else 9
    if field_type == "boolean":
        defaults.update(nillable=False, defaultedOnCreate=True, defaultValue=False)
        defaults["groupable"] = True
    if field_type == "reference":
        defaults["relationshipName"] = (
            name[:-3] + "__r" if name.endswith("__c") else name.removesuffix("Id") or None
        )
    if field_type in ("picklist", "multipicklist", "combobox"):
        defaults["picklistValues"] = _picklist_values(partial.get("values", ()))
    return defaults


def _picklist_values(values: Any) -> list[JsonDict]:
    if not isinstance(values, list | tuple):
        raise ValueError("values must be a list of picklist values, for example [Red, Blue]")
    return [
        {"active": True, "defaultValue": False, "label": str(v), "validFor": None, "value": str(v)}
        for v in values
    ]


def _finish_field(field: JsonDict) -> None:
    """Derive the keys that follow from others, the way Salesforce sets them."""
    field_type = field["type"]
    if field_type == "reference":
        targets = field["referenceTo"]
        if (
            not isinstance(targets, list)
            or not targets
            or not all(isinstance(t, str) for t in targets)
        ):
            raise ValueError(
                f"reference field {field['name']} needs referenceTo, a list of object names "
                "such as [Contact]"
            )
    if field_type == "textarea" and int(field["length"]) > 255:
        field.update(filterable=False, groupable=False, sortable=False)
        field["extraTypeInfo"] = field["extraTypeInfo"] or "plaintextarea"
    if field["calculated"]:
        field.update(createable=False, updateable=False)
    if field["externalId"]:
        field["idLookup"] = True
    if type_info(field_type).storage == "text" and field_type not in ("id", "reference"):
        field["byteLength"] = int(field["length"]) * 3
    elif field_type in ("id", "reference"):
        field["byteLength"] = 18


def add_fields(payload: JsonDict, fields: list[JsonDict]) -> JsonDict:
    """Return a copy of a describe payload with complete fields appended."""
    extended = dict(payload)
    extended["fields"] = [*payload["fields"], *fields]
    return extended
