"""`.pre-commit-hooks.yaml` offers `baton-sf validate` and `baton-sf fmt --check`, as
commands this build accepts."""

from __future__ import annotations

import shlex
from pathlib import Path

from ruamel.yaml import YAML

from tests.review.review_support import invoke

REPO = Path(__file__).resolve().parents[2]


def hooks() -> dict[str, dict[str, object]]:
    loaded = YAML(typ="safe", pure=True).load((REPO / ".pre-commit-hooks.yaml").read_text())
    return {hook["id"]: hook for hook in loaded}


def test_the_hooks_offer_validate_and_fmt_check() -> None:
    found = hooks()

    assert set(found) == {"baton-sf-validate", "baton-sf-fmt"}
    assert found["baton-sf-validate"]["entry"] == "baton-sf validate"
    assert found["baton-sf-validate"]["pass_filenames"] is False
    assert found["baton-sf-fmt"]["entry"] == "baton-sf fmt --check"
    assert all(hook["language"] == "python" for hook in found.values())


def test_the_hook_entries_run_on_the_example_spec() -> None:
    found = hooks()
    validate = shlex.split(str(found["baton-sf-validate"]["entry"]))[1:]
    fmt = shlex.split(str(found["baton-sf-fmt"]["entry"]))[1:]

    validated = invoke(*validate, str(REPO / "specs"))
    formatted = invoke(*fmt, str(REPO / "specs" / "connection.yaml"), str(REPO / "policies"))

    assert validated.code == 0, validated.output
    assert formatted.code == 0, formatted.output
