"""Property: after applying a plan, a new plan has no changes, whatever the data."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.apply.runner import apply_plan
from reconciler.plan.run import plan_spec
from tests.e2e.conftest import DEMO_SEED, SPECS

STAGES = ["Prospecting", "Closed Won", "Closed Lost"]
TYPES = ["New Customer", "Existing Customer - Upgrade", "Existing Customer - Downgrade"]
SOURCES = ["Web", "Partner Referral", "Other"]
STATUSES = ["missing_required_info", "planning", "doing", "done"]

names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda text: text.strip() != "")

opportunities = st.fixed_dictionaries(
    {
        "Name": names,
        "StageName": st.sampled_from(STAGES),
        "Type": st.sampled_from(TYPES),
        "LeadSource": st.sampled_from(SOURCES),
        "Amount": st.one_of(
            st.none(), st.integers(0, 10**7), st.floats(0, 10**6).map(lambda x: round(x, 2))
        ),
        "CloseDate": st.dates(date(2000, 1, 1), date(2100, 1, 1)).map(lambda d: d.isoformat()),
        "AccountId": st.sampled_from(["001000000000001AAA", "001000000000004AAA", None]),
    }
)
project_edits = st.fixed_dictionaries(
    {
        "status": st.sampled_from(STATUSES),
        "phase": st.sampled_from([1, 2, 3, None]),
        "deadline_datetime": st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1)).map(
            lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")
        ),
        "title": names,
        "annual_contract_value": st.decimals(0, 10**6, places=2).map(str),
    },
    optional={},
)


@dataclass(repr=False)
class World:
    """The emulator and spec one property run works on; its repr hides the credentials."""

    emulator: Any
    spec_dir: Path

    def __repr__(self) -> str:
        return f"World(spec_dir={self.spec_dir.name})"


@pytest.fixture(scope="module")
def world(make_shared_emulator: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    emulator = make_shared_emulator(seed=DEMO_SEED)
    spec_dir = tmp_path_factory.mktemp("convergence") / "specs"
    shutil.copytree(SPECS, spec_dir)
    saved = {name: os.environ.get(name) for name in emulator.env}
    os.environ.update(emulator.env)
    yield World(emulator, spec_dir)
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    new_records=st.lists(opportunities, max_size=6),
    edits=st.lists(project_edits, max_size=4),
)
def test_a_plan_after_apply_has_no_changes(world: World, new_records: Any, edits: Any) -> None:
    emulator, spec_dir = world.emulator, world.spec_dir
    sf = emulator.sf()
    for fields in new_records:
        sf.Opportunity.create(fields)
    projects = emulator.baton_get("projects/", page_size=100)["results"]
    for project, edit in zip(projects, edits, strict=False):
        emulator.baton("PATCH", f"projects/{project['id']}/", json=edit).raise_for_status()

    spec, clients, plan = plan_spec(spec_dir, "emulator")
    report = apply_plan(plan, spec, clients.salesforce, clients.baton)
    _, _, again = plan_spec(spec_dir, "emulator")

    assert report.failed == [], report.failed
    assert again.changes == [], [change.address for change in again.changes]
