"""The JSON Schema of baton-sf/v1: generated from one source, checked in, valid for every
full example document, refusing what the loader refuses, and named by each example's
modeline."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML
from spec_support import BASE, CONNECTION, RULE, SYNC, Check

from reconciler.spec.documents import KINDS
from reconciler.spec.json_schema import (
    OVERLAY_SCHEMA_FILE,
    SCHEMA_FILE,
    build_overlay_schema,
    build_schema,
    schema_text,
)

REPO = Path(__file__).resolve().parents[2]
SCHEMA_DIR = REPO / "schema"
SPECS = REPO / "specs"
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def as_editors_see_it(value: Any) -> Any:
    """YAML data as JSON: an editor's YAML 1.2 reading has no timestamps, only text."""
    if isinstance(value, dict):
        return {str(key): as_editors_see_it(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_editors_see_it(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def documents(text: str) -> list[Any]:
    return [as_editors_see_it(d) for d in YAML(typ="safe", pure=True).load_all(text)]


def problems(document: Any, *, overlay: bool = False) -> list[str]:
    schema = build_overlay_schema() if overlay else build_schema()
    validator = jsonschema.Draft202012Validator(schema)
    return [error.message for error in validator.iter_errors(document)]


def example_files() -> list[Path]:
    return sorted(SPECS.rglob("*.yaml"))


def spec_documents_in_the_repository() -> list[Path]:
    """Every YAML file of the repository's examples and package data that holds a spec
    document (the example spec, and the files `init` writes)."""
    found = []
    for path in sorted([*SPECS.rglob("*.yaml"), *(REPO / "reconciler").rglob("*.yaml")]):
        kinds = {d.get("kind") for d in documents(path.read_text()) if isinstance(d, dict)}
        if kinds & set(KINDS):
            found.append(path)
    return found


def is_overlay(path: Path) -> bool:
    return "environments" in path.parts


@pytest.mark.parametrize(("name", "overlay"), [(SCHEMA_FILE, False), (OVERLAY_SCHEMA_FILE, True)])
def test_the_checked_in_schema_is_the_generated_one(name: str, overlay: bool) -> None:
    assert (SCHEMA_DIR / name).read_text(encoding="utf-8") == schema_text(overlay=overlay), (
        f"regenerate it: baton-sf schema{' --overlay' if overlay else ''} > schema/{name}"
    )


def test_both_schemas_are_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(build_schema())
    jsonschema.Draft202012Validator.check_schema(build_overlay_schema())
    assert json.loads(schema_text()) == build_schema()


@pytest.mark.parametrize(
    "path", spec_documents_in_the_repository(), ids=lambda p: str(p.relative_to(REPO))
)
def test_every_example_document_in_the_repository_is_valid(path: Path) -> None:
    loaded = documents(path.read_text(encoding="utf-8"))

    assert loaded
    for document in loaded:
        assert problems(document, overlay=is_overlay(path)) == []


@pytest.mark.parametrize("name", sorted(BASE))
def test_the_examples_of_spec_md_are_valid(name: str) -> None:
    for document in documents(BASE[name]):
        assert problems(document) == []


@pytest.mark.parametrize("path", example_files(), ids=lambda p: str(p.relative_to(SPECS)))
def test_every_example_names_its_schema_in_a_first_line_modeline(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = MODELINE.match(first)

    assert match, f"{path} starts with {first!r}"
    target = (path.parent / match[1]).resolve()
    expected = OVERLAY_SCHEMA_FILE if is_overlay(path) else SCHEMA_FILE
    assert target == SCHEMA_DIR / expected


INVALID = [
    pytest.param(CONNECTION, "instanceUrl:", "instanceURL:", id="unknown-key"),
    pytest.param(CONNECTION, "  baton:", "  batton:", id="missing-required-section"),
    pytest.param(
        CONNECTION, "privateKey: {file: secrets/sf.key}", "privateKey: abc", id="literal-secret"
    ),
    pytest.param(
        CONNECTION,
        "username: integration@acme.com",
        "accessToken: {env: T}",
        id="key-not-for-method",
    ),
    pytest.param(CONNECTION, "method: jwt-bearer", "method: password", id="unknown-method"),
    pytest.param(CONNECTION, "requestsPerMinute: 1000", "requestsPerMinute: 0", id="zero-rate"),
    pytest.param(CONNECTION, "kind: Connection", "kind: Connexion", id="unknown-kind"),
    pytest.param(CONNECTION, "baton-sf/v1", "baton-sf/v9", id="unknown-api-version"),
    pytest.param(
        RULE,
        "{field: StageName, eq: Closed Won}",
        "{field: StageName, equals: X}",
        id="unknown-operator",
    ),
    pytest.param(
        RULE,
        "{field: StageName, eq: Closed Won}",
        "{field: StageName, eq: A, ne: B}",
        id="two-operators",
    ),
    pytest.param(
        RULE,
        "{field: Type, in: [New Customer, Existing Customer - Upgrade]}",
        "{field: Type, in: []}",
        id="empty-in",
    ),
    pytest.param(
        RULE,
        "      - {field: StageName, eq: Closed Won}\n",
        "      - {all: []}\n",
        id="empty-group",
    ),
    pytest.param(
        RULE, "{field: Amount, gt: 10000}", "{field: Amount, gt: true}", id="ordering-a-boolean"
    ),
    pytest.param(RULE, "object: Opportunity", "object: Invoice", id="object-not-importable"),
    pytest.param(RULE, "projectLead: pm@acme.com", "projectLead: pm", id="lead-not-an-email"),
    pytest.param(RULE, "backfill: none", "backfill: some", id="unknown-backfill"),
    pytest.param(RULE, "dueDate: CloseDate", "deadline: CloseDate", id="unknown-baton-field"),
    pytest.param(SYNC, "every: 4h", "every: 4 hours", id="bad-duration"),
    pytest.param(SYNC, "onConflict: overwrite", "onConflict: merge", id="unknown-conflict-policy"),
    pytest.param(SYNC, "Baton_Phase__c: phase", "Baton_Phase__c: phaze", id="unknown-sync-key"),
    pytest.param(SYNC, "Baton_Phase__c: phase", "Baton-Phase: phase", id="bad-field-name"),
    pytest.param(SYNC, "  rule: closed-won\n", "", id="missing-rule"),
]


@pytest.mark.parametrize(("base", "old", "new"), INVALID)
def test_the_schema_refuses_what_the_loader_refuses(
    check: Check, base: str, old: str, new: str
) -> None:
    assert old in base
    text = base.replace(old, new)
    name = {CONNECTION: "connection.yaml", RULE: "import/closed-won.yaml"}.get(
        base, "sync/opportunity.yaml"
    )

    _, diagnostics = check({name: text})

    assert any(d.severity == "error" for d in diagnostics)
    assert [problems(document) for document in documents(text)] != [[]]


def test_an_overlay_needs_no_required_key_but_keeps_its_types() -> None:
    overlay = {
        "apiVersion": "baton-sf/v1",
        "kind": "Connection",
        "metadata": {"name": "acme"},
        "spec": {"salesforce": {"auth": {"accessToken": {"env": "T"}}}},
    }
    wrong = {**overlay, "spec": {"baton": {"requestsPerMinute": "many"}}}

    assert problems(overlay, overlay=True) == []
    assert problems(overlay) != []
    assert problems(wrong, overlay=True) != []
