"""The emulator's Baton side as the adapter relies on it: every collection seeded and paged,
the operations its swagger.json lists and enforces, and the values Baton computes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reconciler.emulator import baton_model
from reconciler.emulator.baton_api import BY_COLLECTION
from reconciler.emulator.errors import EmulatorError

EVERY_COLLECTION: dict[str, list[dict[str, Any]]] = {
    "companies": [{"id": 1, "name": "Acme"}],
    "users": [{"id": 1, "email": "pm@acme.example", "company": 1}],
    "phases": [{"id": 1, "name": "Kickoff", "order": 1}],
    "templates": [{"id": 1, "title": "Standard Onboarding", "phase": 1}],
    "projects": [{"id": 10, "title": "Rollout", "phase": 1, "created_from_template": 1}],
    "project_users": [{"id": 1, "project": 10, "user": 1, "role": "vendor_lead"}],
    "project_phases": [{"id": 1, "project": 10, "phase": 1}],
    "milestones": [{"id": 1, "title": "Go-live", "project": 10, "status": "On Pace"}],
    "milestone_feedback": [{"id": 1, "rating": 4, "milestone": 1, "project": 10, "user": 1}],
    "tasks": [{"id": 1, "title": "Kickoff call", "project": 10, "status": "completed"}],
    "task_attachments": [{"id": 1, "task": 1, "name": "agenda.pdf"}],
    "task_deliverables": [{"id": 1, "task": 1, "name": "Signed SOW"}],
    "external_tasks": [{"id": 1, "project": 10, "title": "Client IT review"}],
    "time_entries": [
        {
            "id": 1,
            "user": 1,
            "project": 10,
            "task": 1,
            "rate": {"hourly_rate": 150},
            "started_at": "2026-01-05T09:00:00Z",
            "ended_at": "2026-01-05T10:45:00Z",
        },
        {"id": 2, "project": 10, "inputted_duration": 30, "calculated_duration": 20},
    ],
    "activity": [{"id": 1, "project": 10, "user": 1, "verb": "created"}],
    "comments": [{"id": 1, "project": 10, "task": 1, "user": 1, "text": "Done"}],
    "project_attachments": [{"id": 1, "project": 10, "name": "plan.xlsx"}],
    "custom_fields": [{"id": 1, "title": "Region", "type": "dropdown"}],
    "custom_field_options": [{"id": 1, "field": 1, "value": "EMEA"}],
    "custom_field_values": [{"id": 1, "project": 10, "field": 1, "selected_option": 1}],
}


@pytest.fixture(scope="module")
def seeded(make_shared_emulator: Callable[..., Any]) -> Any:
    return make_shared_emulator(seed={"baton": EVERY_COLLECTION})


@pytest.fixture(scope="module")
def narrow(make_shared_emulator: Callable[..., Any]) -> Any:
    """A workspace whose API key may create projects and custom fields only."""
    seed = {"baton": {"writable": ["projects", "custom_fields"], "users": [{"id": 1}]}}
    return make_shared_emulator(seed=seed)


def test_every_collection_of_the_reference_is_seeded_and_listed(seeded: Any) -> None:
    assert set(EVERY_COLLECTION) == set(baton_model.COLLECTIONS)
    for name, entries in EVERY_COLLECTION.items():
        listed = seeded.baton_get(f"{name}/")
        assert listed["count"] == len(entries), name
        assert [item["id"] for item in listed["results"]] == [e["id"] for e in entries]


def test_a_time_entry_gets_the_minutes_between_start_and_end_unless_given(seeded: Any) -> None:
    computed = seeded.baton_get("time_entries/1/")
    given = seeded.baton_get("time_entries/2/")

    assert computed["calculated_duration"] == 105
    assert given["calculated_duration"] == 20


def test_swagger_lists_gets_everywhere_and_writes_on_the_four_collections(seeded: Any) -> None:
    swagger = seeded.session().get(f"{seeded.url}/api/swagger.json").json()
    paths = swagger["paths"]

    for name in baton_model.COLLECTIONS:
        writes = {"post"} if name in baton_model.WRITABLE else set()
        assert set(paths[f"/{name}/"]) == {"get", *writes}, name
        assert set(paths[f"/{name}/{{id}}/"]) == {"get"} | ({"patch"} if writes else set())
    assert set(baton_model.WRITABLE) == {
        "projects",
        "project_users",
        "custom_fields",
        "custom_field_values",
    }


def test_writes_outside_the_writable_collections_are_not_allowed(seeded: Any) -> None:
    post = seeded.baton("POST", "tasks/", json={"title": "x", "project": 10})
    patch = seeded.baton("PATCH", "users/1/", json={"email": "x@y.example"})

    assert post.status_code == 405 and post.json() == {"detail": 'Method "POST" not allowed.'}
    assert patch.status_code == 405
    assert seeded.baton_get("tasks/")["count"] == 1


def test_a_seed_narrows_the_writable_collections_and_swagger_follows(narrow: Any) -> None:
    swagger = narrow.session().get(f"{narrow.url}/api/swagger.json").json()

    refused = narrow.baton("POST", "project_users/", json={"project": 1, "user": 1})

    assert "post" in swagger["paths"]["/projects/"]
    assert "post" not in swagger["paths"]["/project_users/"]
    assert refused.status_code == 405


def test_a_bad_writable_list_fails_the_start_naming_the_key(
    make_emulator: Callable[..., Any],
) -> None:
    with pytest.raises(EmulatorError, match=r"baton\.writable: expected a list"):
        make_emulator(seed={"baton": {"writable": ["widgets"]}})


def test_requests_are_counted_by_method_and_collection(seeded: Any) -> None:
    session = seeded.session()
    session.delete(f"{seeded.url}/__emulator/stats").raise_for_status()

    seeded.baton_get("tasks/")
    seeded.baton_get("tasks/1/")

    counts = seeded.stats()[BY_COLLECTION]
    assert counts == {"GET tasks": 1, "GET tasks/{id}": 1}
