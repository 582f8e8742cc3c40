"""Whatever the files hold, validate_spec answers with diagnostics, never an exception."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spec_support import BASE

from reconciler.spec import Diagnostic, Spec, validate_spec

FUZZ = settings(
    max_examples=700,
    deadline=None,
    # The same thousands of documents on every run, so that CI is repeatable; widen the
    # search locally with --hypothesis-seed or a larger max_examples.
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
YAML_PIECES = [
    ":",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "#",
    "&a ",
    "*a",
    "<<: ",
    "!!str ",
    "!x ",
    "? ",
    "|",
    ">",
    "'",
    '"',
    "\\",
    "\t",
    "\n",
    "\n  ",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "~",
    "null",
    "true",
    "0x1F",
    ".inf",
    "2026-13-45",
    "2026-01-01T00:00:00",
    "{env: X}",
    "{file: y}",
    "\x00",
    "\x85",
    "\ufeff",
    "é",
    "{{ x }}",
    "{{ ''.__class__ }}",
    "{%",
    "%}",
]


def run(files: dict[str, bytes]) -> tuple[Spec | None, list[Diagnostic]]:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory) / "spec"
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        return validate_spec(
            root, "production" if "environments/production/o.yaml" in files else None
        )


def assert_answer(result: tuple[Spec | None, list[Diagnostic]]) -> None:
    spec, diagnostics = result
    errors = [d for d in diagnostics if d.severity == "error"]
    assert (spec is None) == bool(errors)
    for diagnostic in diagnostics:
        assert isinstance(diagnostic, Diagnostic)
        assert diagnostic.line >= 1 and diagnostic.column >= 1
        assert "\n" not in diagnostic.message
        assert "validation error" not in diagnostic.message.lower()
        assert "Traceback" not in diagnostic.message


def base_files() -> dict[str, bytes]:
    return {name: text.encode() for name, text in BASE.items()}


@FUZZ
@given(name=st.sampled_from(sorted(BASE)), content=st.binary(max_size=400))
def test_random_bytes_give_diagnostics(name: str, content: bytes) -> None:
    assert_answer(run({**base_files(), name: content}))


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(BASE)))
    text = BASE[name]
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate-line", "text"]))
        if action == "insert":
            text = text[:position] + draw(st.sampled_from(YAML_PIECES)) + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 12)) :]
        elif action == "duplicate-line":
            lines = text.splitlines(keepends=True)
            index = position % len(lines)
            text = "".join(lines[: index + 1] + lines[index:])
        else:
            text = text[:position] + draw(st.text(max_size=8)) + text[position:]
    return name, text.encode("utf-8", "surrogatepass")


@FUZZ
@given(change=mutated())
def test_mutated_documents_give_diagnostics(change: tuple[str, bytes]) -> None:
    name, content = change

    assert_answer(run({**base_files(), name: content}))


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["Opportunity", "closed-won", "projectId", "4h", "https://x", "{{ Name }}"]),
)
keys = st.one_of(
    st.text(max_size=8),
    st.sampled_from(
        [
            "field",
            "eq",
            "in",
            "all",
            "any",
            "env",
            "file",
            "object",
            "when",
            "fields",
            "custom",
            "salesforce",
            "baton",
            "auth",
            "method",
            "url",
            "apiKey",
            "rule",
            "target",
            "via",
            "backfill",
            "since",
            "ids",
            "trackHistory",
            "every",
            "instanceUrl",
            "title",
            "isNull",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=20,
)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "apiVersion": draw(st.sampled_from(["baton-sf/v1", "baton-sf/v1", "v2", 1])),
        "kind": draw(st.sampled_from(["Connection", "ImportRule", "SyncBack", "Other"])),
        "metadata": {"name": draw(st.sampled_from(["acme", "closed-won", "opportunity", "x y"]))},
        "spec": draw(values),
    }


@FUZZ
@given(doc=documents(), overlay=st.booleans())
def test_random_documents_give_diagnostics(doc: dict[str, Any], overlay: bool) -> None:
    content = json.dumps(doc, allow_nan=True).encode()
    name = "environments/production/o.yaml" if overlay else "extra.yaml"

    assert_answer(run({**base_files(), name: content}))
