"""Saved plans: the JSON file `plan --out` writes and `apply` and `show` read."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from reconciler.errors import PlanError
from reconciler.plan.model import FORMAT_VERSION, Plan


def plan_text(document: Mapping[str, Any]) -> bytes:
    """The plan document (`Plan.to_json()`) as indented UTF-8 JSON, ending in a newline.
    Bytes, not text: a large plan is written as it is, without a decoded copy."""
    try:
        return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except TypeError:  # orjson refuses integers beyond 64 bits; the standard library does not
        return (json.dumps(document, indent=2) + "\n").encode()


def save_plan(plan: Plan, path: Path, text: bytes | None = None) -> None:
    """Write the plan document (`text`, when it is already serialized); the file holds
    references, never resolved secrets."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if text is not None else plan_text(plan.to_json()))
    except OSError as exc:
        raise PlanError(
            f"cannot write the plan to {path}: {exc.strerror}", hint="choose a writable path"
        ) from exc


def load_plan(path: Path) -> Plan:
    """Read a saved plan, refusing files that are not plans of a version this build reads."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise PlanError(
            f"the plan file {path} does not exist", hint="run plan --out first"
        ) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanError(
            f"{path} is not a readable plan file: {exc}", hint="save a plan with plan --out FILE"
        ) from exc
    if not isinstance(data, dict) or data.get("formatVersion") != FORMAT_VERSION:
        raise PlanError(
            f"{path} is not a plan of format version {FORMAT_VERSION}",
            hint="make a new plan with this version of baton-sf",
        )
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise PlanError(
            f"{path} is not a valid plan: {where}: {first['msg']}",
            hint="the file was edited or damaged; make a new plan",
        ) from None
