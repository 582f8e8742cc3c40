"""Saved plans: the JSON file `plan --out` writes and `apply` and `show` read.

A plan is written a change at a time and read straight from its bytes into the plan's
models, so that a plan of 200,000 changes is never also held as a document of dicts.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Final

import ijson
import orjson
from pydantic import ValidationError

from reconciler.errors import PlanError
from reconciler.plan.model import FORMAT_VERSION, Change, Plan, change_text

_MARK = "\x00changes"
_MARK_LINE = b'    "\\u0000changes"'
_CHANGE_INDENT = b"    "
_ABSENT = object()


def plan_text(document: Mapping[str, Any]) -> bytes:
    """The plan document (`Plan.to_json()`) as indented UTF-8 JSON, ending in a newline.
    Bytes, not text: a large plan is written as it is, without a decoded copy."""
    try:
        return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except TypeError:  # orjson refuses integers beyond 64 bits; the standard library does not
        return (json.dumps(document, indent=2) + "\n").encode()


def plan_chunks(plan: Plan) -> Iterator[bytes]:
    """The plan document as `plan_text` writes it, in pieces of one change each."""
    head = plan.head_json()
    if not plan.changes:
        yield plan_text({**head, "changes": []})
        return
    before, after = plan_text({**head, "changes": [_MARK]}).split(_MARK_LINE)
    yield before
    for index, change in enumerate(plan.changes):
        text = change_text(change)
        yield (b",\n" if index else b"") + _CHANGE_INDENT
        yield text.replace(b"\n", b"\n" + _CHANGE_INDENT)
    yield after


def write_plan(plan: Plan, stream: IO[bytes]) -> None:
    """Write the plan document to a binary stream, a change at a time."""
    for chunk in plan_chunks(plan):
        stream.write(chunk)


def save_plan(plan: Plan, path: Path) -> None:
    """Write the plan document to `path`: first to a file beside it, then renamed over it,
    so that a failed write leaves no half a plan. The file holds references, never
    resolved secrets."""
    partial: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
        partial = Path(name)
        with os.fdopen(handle, "wb") as stream:
            write_plan(plan, stream)
        os.replace(partial, path)
    except OSError as exc:
        if partial is not None:
            partial.unlink(missing_ok=True)
        raise PlanError(
            f"cannot write the plan to {path}: {exc.strerror}", hint="choose a writable path"
        ) from exc


def load_plan(path: Path) -> Plan:
    """Read a saved plan, refusing files that are not plans of a version this build reads.

    The changes are parsed one at a time, each made a model as it is read; the rest of the
    document is small. A file that does not read so is read again as plain JSON to say why.
    """
    # Known limit: every change of the plan is held in memory for the whole apply, about
    # 1.5 KB each; a first import of 100,000 records (200,001 changes) peaks near 700 MB.
    try:
        with path.open("rb") as stream:
            head = _head(stream)
            plan = None if head is None else _plan_from(stream, head, path)
    except FileNotFoundError as exc:
        raise PlanError(
            f"the plan file {path} does not exist", hint="run plan --out first"
        ) from exc
    except OSError as exc:
        raise PlanError(
            f"{path} is not a readable plan file: {exc.strerror}",
            hint="save a plan with plan --out FILE",
        ) from exc
    except (ijson.JSONError, ValidationError, UnicodeDecodeError):
        plan = None
    return plan if plan is not None else _read_as_json(path)


def _head(stream: IO[bytes]) -> dict[str, Any] | None:
    """The document's keys before `changes`, read up to the start of its list; None when
    the document is not a mapping with a list of changes."""
    builder = ijson.ObjectBuilder()
    events = ijson.parse(stream, use_float=True)
    for prefix, event, value in events:
        if prefix == "" and event == "map_key" and value == "changes":
            _, kind, _ = next(events)
            head = builder.value
            return head if kind == "start_array" and isinstance(head, dict) else None
        if prefix == "" and event != "map_key" and event != "start_map":
            return None  # not a mapping, or one without changes
        builder.event(event, value)
    return None


def _plan_from(stream: IO[bytes], head: dict[str, Any], path: Path) -> Plan:
    """The plan: any key the head lacks (written after the changes) looked for on its own,
    the format version checked, then the changes parsed from the start again."""
    _add_later_keys(stream, head)
    if head.get("formatVersion") != FORMAT_VERSION:
        raise _not_this_version(path)
    stream.seek(0)
    items = ijson.items(stream, "changes.item", use_float=True)
    changes = [Change.model_validate(_shared_strings(item)) for item in items]
    return Plan.model_validate({**head, "changes": changes})


_SHORT_TEXT: Final = 32


def _shared_strings(value: Any) -> Any:
    """`value` with its keys and short texts interned: the parser makes a new string for
    every occurrence, and a saved plan repeats the same few keys, rule and object names and
    field names in each of its changes (interning them takes a first import's loaded plan
    from about 2.1 to 1.5 KB a change)."""
    kind = type(value)
    if kind is dict:
        return {sys.intern(key): _shared_strings(item) for key, item in value.items()}
    if kind is list:
        return [_shared_strings(item) for item in value]
    if kind is str and len(value) <= _SHORT_TEXT:
        return sys.intern(value)
    return value


def _add_later_keys(stream: IO[bytes], head: dict[str, Any]) -> None:
    """Each key of a plan that the head lacks, read in a pass of its own: only a file
    written with keys after its changes has any."""
    for name, field in Plan.model_fields.items():
        key = field.alias or name
        if key not in head and key != "changes":
            stream.seek(0)
            found = next(ijson.items(stream, key, use_float=True), _ABSENT)
            if found is not _ABSENT:
                head[key] = found


def _read_as_json(path: Path) -> Plan:
    """A file that did not read as a plan, read again as plain JSON (slower) to name the
    reason it is not one: a PlanError."""
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanError(
            f"{path} is not a readable plan file: {exc}", hint="save a plan with plan --out FILE"
        ) from None
    if not isinstance(data, dict) or data.get("formatVersion") != FORMAT_VERSION:
        raise _not_this_version(path)
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise PlanError(
            f"{path} is not a valid plan: {where}: {first['msg']}",
            hint="the file was edited or damaged; make a new plan",
        ) from None


def _not_this_version(path: Path) -> PlanError:
    return PlanError(
        f"{path} is not a plan of format version {FORMAT_VERSION}",
        hint="make a new plan with this version of baton-sf",
    )
