"""Every sync-back field derived from one hand-made project, and the percentages against
their definition for any mix of tasks and time entries."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from math import floor
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconciler.baton.derive import (
    DERIVATIONS,
    PROJECT_FIELDS,
    Workspace,
    derive,
    project_fields,
    reads_for,
)
from reconciler.baton.project_data import CustomValue, Member, ProjectData, custom_values
from reconciler.catalog import syncable_keys

WORKSPACE = Workspace(url="https://acme.hellobaton.com/")
PROJECT: dict[str, Any] = {
    "id": 42,
    "title": "Acme - Rollout",
    "private_notes": "VIP customer",
    "description": "Three sites",
    "status": "doing",
    "archived": False,
    "phase": {"id": 2, "_self": "https://w/api/phases/2/", "name": "Configuration", "order": 2},
    "start_datetime": "2026-12-01T14:00:00Z",
    "started_datetime": "2026-12-02T15:30:00Z",
    "deadline_datetime": "2027-03-01T05:00:00Z",
    "completed_datetime": None,
    "annual_contract_value": "120000.00",
    "implementation_budget": "20000.00",
    "budget_shown_to_client": "18000.00",
    "estimated_duration": 40,
    "health": "at_risk",
    "health_note": "Waiting on SSO",
    "risk_profiles": [
        {"id": 1, "level": "green", "projected_golive_datetime": "2027-02-20T00:00:00Z"},
        {"id": 3, "level": "yellow", "projected_golive_datetime": "2027-03-04T12:00:00Z"},
        {"id": 2, "level": "red", "projected_golive_datetime": "2027-04-01T00:00:00Z"},
    ],
}
TASKS = [{"status": "completed"}] * 3 + [{"status": "in_progress"}] * 4 + [{"status": "stuck"}]
ENTRIES = [
    {"inputted_duration": 90, "calculated_duration": 95, "rate": {"hourly_rate": "150.00"}},
    {"inputted_duration": None, "calculated_duration": 120, "rate": {"hourly_rate": "100.00"}},
    {"inputted_duration": 30, "calculated_duration": 999, "rate": None},
]
FEEDBACK = [{"rating": 4}, {"rating": 5}, {"rating": 4}, {"rating": None}]
DATA = ProjectData(
    project=PROJECT,
    members=(
        Member("client_lead", "cara@client.example", 7),
        Member("vendor_lead", "pat@acme.example", 3),
        Member("vendor_lead", "sam@acme.example", 9),
        Member("observer", "olly@acme.example", 1),
    ),
    tasks=tuple(TASKS),
    time_entries=tuple(ENTRIES),
    feedback=tuple(FEEDBACK),
    custom={
        "Region": CustomValue("dropdown", "EMEA"),
        "Seats": CustomValue("numeric", Decimal("250.00")),
        "Kickoff": CustomValue("date", "2026-12-03"),
        "Notes": CustomValue("text", "Bring badges"),
    },
)

EXPECTED: dict[str, Any] = {
    "projectId": "42",
    "projectUrl": "https://acme.hellobaton.com/projects/42",
    "title": "Acme - Rollout",
    "privateNotes": "VIP customer",
    "description": "Three sites",
    "dueDate": "2027-03-01T05:00:00Z",
    "startDate": "2026-12-01T14:00:00Z",
    "startedDate": "2026-12-02T15:30:00Z",
    "completedDate": None,
    # the newest risk profile is the one with the highest id (3), not the last listed
    "projectedDueDate": "2027-03-04T12:00:00Z",
    "riskStatus": "yellow",
    "status": "Doing",
    "phase": "Configuration",
    "archived": "false",
    "health": "at_risk",
    "healthNote": "Waiting on SSO",
    # the first vendor lead by project user id (3 before 9)
    "vendorLeadEmail": "pat@acme.example",
    "clientLeadEmail": "cara@client.example",
    # (4 + 5 + 4) / 3 = 4.333... -> 4.3; the feedback without a rating does not count
    "averageMilestoneFeedback": Decimal("4.3"),
    # 3 completed of 8 tasks = 37.5% -> 38 (half up)
    "tasksCompletePercentage": 38,
    # minutes 90 (inputted wins over 95) + 120 (calculated) + 30 (inputted) = 240 = 4 h;
    # 4 h of 40 estimated = 10%
    "hoursUsedPercentage": 10,
    # 1.5 h x 150 + 2 h x 100 + 0.5 h x no rate = 425 of 20000 = 2.125% -> 2
    "budgetUsedPercentage": 2,
    "contractValue": "120000.00",
    "implementationBudget": "20000.00",
    "budgetShownToClient": "18000.00",
    "estimatedDurationHours": 40,
    "custom.Region": "EMEA",
    "custom.Seats": Decimal("250.00"),
    "custom.Kickoff": "2026-12-03",
    "custom.Notes": "Bring badges",
    "custom.region": "EMEA",
    "custom.Missing": None,
}


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_field_is_derived_as_computed_by_hand(key: str) -> None:
    assert derive(key, DATA, WORKSPACE) == EXPECTED[key]


def test_every_syncable_key_of_the_catalog_is_derived() -> None:
    assert set(syncable_keys()) <= set(EXPECTED)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        pytest.param("tasksCompletePercentage", None, id="no tasks"),
        pytest.param("hoursUsedPercentage", None, id="no estimate"),
        pytest.param("budgetUsedPercentage", None, id="no budget"),
        pytest.param("averageMilestoneFeedback", None, id="no feedback"),
        pytest.param("vendorLeadEmail", None, id="no lead"),
        pytest.param("projectedDueDate", None, id="no risk profile"),
        pytest.param("phase", None, id="no phase"),
        pytest.param("archived", "false", id="archived unset"),
    ],
)
def test_a_project_with_nothing_to_derive_from_gives_empty_values(key: str, value: Any) -> None:
    bare = ProjectData({"id": 1, "title": "x", "estimated_duration": 0})

    assert derive(key, bare, WORKSPACE) == value


def test_more_hours_than_estimated_is_written_as_100_percent() -> None:
    data = ProjectData(
        {"id": 1, "estimated_duration": "2", "implementation_budget": "100.00"},
        time_entries=({"inputted_duration": 600, "rate": {"hourly_rate": "50"}},),
    )

    assert derive("hoursUsedPercentage", data, WORKSPACE) == 100
    assert derive("budgetUsedPercentage", data, WORKSPACE) == 100


def test_only_fields_derived_from_other_collections_read_them() -> None:
    assert reads_for("status") == frozenset()
    assert reads_for("custom.Region") == frozenset()
    assert reads_for("tasksCompletePercentage") == {"tasks"}
    assert reads_for("budgetUsedPercentage") == {"time_entries"}
    assert reads_for("vendorLeadEmail") == {"project_users", "users"}


def test_custom_values_are_read_by_type_and_multi_selects_are_joined() -> None:
    def value(item_id: int, kind: str, title: str, **values: Any) -> dict[str, Any]:
        return {"id": item_id, "field": {"id": 1, "title": title, "type": kind}, **values}

    found = custom_values(
        [
            value(1, "dropdown", "Region", selected_option={"id": 5, "value": "EMEA"}),
            value(2, "dropdown", "Region", selected_option={"id": 6, "value": "APAC"}),
            value(3, "numeric", "Seats", value_numeric="10.50"),
            value(4, "text", "Notes", value_text="old"),
            value(5, "text", "Notes", value_text="new"),
            value(6, "date", "Kickoff", value_date="2026-12-03"),
        ]
    )

    assert found == {
        "Region": CustomValue("dropdown", "EMEA;APAC"),
        "Seats": CustomValue("numeric", Decimal("10.50")),
        "Notes": CustomValue("text", "new"),
        "Kickoff": CustomValue("date", "2026-12-03"),
    }


statuses = st.sampled_from(["not_started", "in_progress", "stuck", "completed"])
minutes = st.one_of(st.none(), st.integers(-30, 10_000), st.sampled_from(["45", "12.5", "x"]))
rates = st.one_of(
    st.none(),
    st.fixed_dictionaries({"hourly_rate": st.decimals(0, 500, places=2).map(str)}),
)
entries = st.fixed_dictionaries(
    {"inputted_duration": minutes, "calculated_duration": minutes, "rate": rates}
)
amounts = st.one_of(st.none(), st.integers(-5, 500), st.decimals(0, 10**6, places=2).map(str))


def definition(part: Fraction, whole: Fraction | None) -> int | None:
    """The percentage by its definition, in exact fractions."""
    if whole is None or whole <= 0:
        return None
    return max(0, min(100, floor(part * 100 / whole + Fraction(1, 2))))


def exact_minutes(entry: dict[str, Any]) -> Fraction:
    for key in ("inputted_duration", "calculated_duration"):
        value = entry[key]
        if value is not None and value != "x":
            return max(Fraction(0), Fraction(str(value)))
    return Fraction(0)


def exact(value: Any) -> Fraction | None:
    return None if value is None else Fraction(str(value))


@given(tasks=st.lists(statuses, max_size=60))
def test_tasks_complete_percentage_matches_its_definition(tasks: list[str]) -> None:
    data = ProjectData({"id": 1}, tasks=tuple({"status": status} for status in tasks))
    done = Fraction(tasks.count("completed"))

    result = derive("tasksCompletePercentage", data, WORKSPACE)

    assert result == definition(done, Fraction(len(tasks)) if tasks else None)
    assert result is None or 0 <= result <= 100


@given(time_entries=st.lists(entries, max_size=25), estimate=amounts, budget=amounts)
def test_hours_and_budget_percentages_match_their_definitions(
    time_entries: list[dict[str, Any]], estimate: Any, budget: Any
) -> None:
    project = {"id": 1, "estimated_duration": estimate, "implementation_budget": budget}
    data = ProjectData(project, time_entries=tuple(time_entries))
    hours = sum((exact_minutes(entry) / 60 for entry in time_entries), Fraction(0))
    cost = sum(
        (
            exact_minutes(entry) / 60 * Fraction(entry["rate"]["hourly_rate"])
            for entry in time_entries
            if entry["rate"] is not None
        ),
        Fraction(0),
    )

    hours_used = derive("hoursUsedPercentage", data, WORKSPACE)
    budget_used = derive("budgetUsedPercentage", data, WORKSPACE)

    assert hours_used == definition(hours, exact(estimate))
    assert budget_used == definition(cost, exact(budget))
    for value in (hours_used, budget_used):
        assert value is None or 0 <= value <= 100


FULL = ProjectData(
    project={**PROJECT, "completed_datetime": "2027-03-02T00:00:00Z", "modified": "2026-12-03"},
    members=DATA.members,
    tasks=DATA.tasks,
    time_entries=DATA.time_entries,
    feedback=DATA.feedback,
    custom=DATA.custom,
)


def test_every_derivation_names_the_project_fields_it_reads() -> None:
    assert PROJECT_FIELDS.keys() == DERIVATIONS.keys()


@pytest.mark.parametrize("key", sorted(DERIVATIONS))
def test_a_project_kept_to_the_fields_of_a_key_derives_the_same(key: str) -> None:
    kept = project_fields([key])
    project = {name: value for name, value in FULL.project.items() if name in kept}
    trimmed = replace(FULL, project=project)

    assert derive(key, trimmed, WORKSPACE) == derive(key, FULL, WORKSPACE)
    assert kept >= {"id", "modified"}


def test_no_plain_field_of_the_full_project_is_empty() -> None:
    """The test above can only catch an undeclared field that has a value."""
    plain = [key for key, fields in PROJECT_FIELDS.items() if fields and key in DERIVATIONS]
    assert all(derive(key, FULL, WORKSPACE) is not None for key in plain)
