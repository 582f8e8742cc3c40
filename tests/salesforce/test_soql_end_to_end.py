"""A criterion value full of quotes selects exactly the records holding that text, through
the real plan against the emulator: values are escaped, never pasted into SOQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.plan.run import plan_spec
from tests.schema.schema_support import write_live_spec

TRICKY = "O'Brien \\' OR Name != '"


def _opportunity(name: str, stage: str = "Closed Won") -> dict[str, Any]:
    return {"Name": name, "StageName": stage, "Type": "New Customer", "CloseDate": "2026-12-01"}


SEED = {
    "salesforce": {
        "Opportunity": [
            _opportunity(TRICKY),
            _opportunity("O'Brien"),
            _opportunity("O'Brien \\"),
            _opportunity("Other"),
            _opportunity(TRICKY, stage="Prospecting"),
        ]
    },
    "baton": {"custom_fields": [{"id": 1, "title": "Salesforce Link", "type": "text"}]},
}

RULE = """\
apiVersion: baton-sf/v1
kind: ImportRule
metadata: {name: tricky}
spec:
  object: Opportunity
  backfill: all
  when:
    all:
      - {field: StageName, eq: Closed Won}
      - {field: Type, eq: New Customer}
      - CRITERION
"""


@pytest.fixture(scope="module")
def org(make_shared_emulator: Callable[..., Any]) -> Any:
    return make_shared_emulator(seed=SEED)


@pytest.mark.parametrize(
    "criterion",
    [
        pytest.param({"field": "Name", "eq": TRICKY}, id="eq"),
        pytest.param({"field": "Name", "in": [TRICKY, "x' OR Name != 'y"]}, id="in"),
        pytest.param({"field": "Name", "like": "O'Brien \\' OR Name != %"}, id="like"),
    ],
)
def test_quotes_in_a_criterion_select_exactly_the_matching_records(
    criterion: dict[str, Any], org: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in org.env.items():
        monkeypatch.setenv(name, value)
    rule = RULE.replace("CRITERION", json.dumps(criterion))
    spec_dir = write_live_spec(tmp_path / "spec", rule=rule)

    _, _, plan = plan_spec(spec_dir, None)

    titles = [c.after["title"] for c in plan.changes if c.resource == "baton.project" and c.after]
    assert titles == [TRICKY]
