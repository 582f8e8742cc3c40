"""Seed files: the whole truth an emulator starts from.

A seed is YAML (or JSON, much faster for large seeds) with three optional parts: `schema`
(custom fields added to object describes), `salesforce` (records by object) and `baton`
(objects by collection), and the org settings of `settings.py` (OAuth clients, installed
packages, history tracking, user rights, validation rules). Every error names the file, the
place and the fix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .describe import JsonDict, complete_field
from .errors import EmulatorError
from .settings import SETTING_KEYS, OrgSettings, read_settings

_PARTS = ("schema", "salesforce", "baton", *SETTING_KEYS)


@dataclass(frozen=True)
class SeedFile:
    """A read seed file, checked for shape only (values are checked when stored)."""

    source: str
    schema: dict[str, list[JsonDict]] = field(default_factory=dict)
    salesforce: dict[str, list[JsonDict]] = field(default_factory=dict)
    baton: dict[str, Any] = field(default_factory=dict)
    settings: OrgSettings = field(default_factory=OrgSettings)


def read_seed(path: Path) -> SeedFile:
    """Read and shape-check a seed file; raise EmulatorError naming the file and place."""
    source = str(path)
    data = _load(path)
    if data is None:
        return SeedFile(source)
    if not isinstance(data, dict):
        raise EmulatorError(
            f"{source}: a seed is a mapping with schema, salesforce and baton; "
            f"found {type(data).__name__}"
        )
    unknown = [key for key in data if key not in _PARTS]
    if unknown:
        raise EmulatorError(
            f"{source}: unknown top-level key {unknown[0]!r}; use {', '.join(_PARTS)}"
        )
    return SeedFile(
        source,
        _lists_by_name(data.get("schema"), f"{source}: schema", "fields"),
        _lists_by_name(data.get("salesforce"), f"{source}: salesforce", "records"),
        data.get("baton") or {},
        read_settings(data, source),
    )


def _load(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise EmulatorError(
            f"{path}: cannot read the seed file ({error}); check the path"
        ) from error
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise EmulatorError(
                f"{path}:{error.lineno}:{error.colno}: not valid JSON ({error.msg}); fix the syntax"
            ) from error
    try:
        return YAML(typ="safe", pure=True).load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise EmulatorError(
            f"{path}{where}: not valid YAML ({error.problem}); fix the syntax"
        ) from error
    except YAMLError as error:
        raise EmulatorError(f"{path}: not valid YAML ({error}); fix the syntax") from error


def _lists_by_name(part: Any, place: str, items: str) -> dict[str, list[JsonDict]]:
    if part is None:
        return {}
    if not isinstance(part, dict):
        raise EmulatorError(f"{place}: expected a mapping of object name to a list of {items}")
    checked: dict[str, list[JsonDict]] = {}
    for name, entries in part.items():
        if entries is None:
            entries = []
        if not isinstance(entries, list):
            raise EmulatorError(f"{place}.{name}: expected a list of {items}")
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise EmulatorError(
                    f"{place}.{name}[{index}]: expected a mapping of field to value"
                )
        checked[str(name)] = entries
    return checked


def extend_schema(payloads: list[JsonDict], seed: SeedFile) -> list[JsonDict]:
    """Return the describe payloads with the seed's custom fields appended."""
    by_name = {payload["name"].lower(): index for index, payload in enumerate(payloads)}
    extended = list(payloads)
    for object_name, entries in seed.schema.items():
        index = by_name.get(object_name.lower())
        if index is None:
            names = ", ".join(sorted(payload["name"] for payload in payloads))
            raise EmulatorError(
                f"{seed.source}: schema.{object_name}: no object {object_name} in the schema "
                f"(objects: {names}); fix the name or add its describe with --schema"
            )
        payload = extended[index]
        taken = {entry["name"].lower() for entry in payload["fields"]}
        fields = []
        for position, entry in enumerate(entries):
            place = f"{seed.source}: schema.{object_name}[{position}]"
            completed = _complete(entry, place)
            if completed["name"].lower() in taken:
                raise EmulatorError(
                    f"{place}: {payload['name']} already has a field {completed['name']}; "
                    "give the new field another name"
                )
            taken.add(completed["name"].lower())
            fields.append(completed)
        extended[index] = {**payload, "fields": [*payload["fields"], *fields]}
    return extended


def _complete(entry: JsonDict, place: str) -> JsonDict:
    try:
        return complete_field(entry)
    except (ValueError, TypeError) as error:
        raise EmulatorError(f"{place}: {error}") from None
