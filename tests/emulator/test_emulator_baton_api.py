"""The Baton API through requests: authentication, DRF paging, relations served as URIs or
embedded objects, and writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest


def test_a_missing_or_wrong_api_key_is_refused(standard: Any) -> None:
    session = standard.session()
    url = f"{standard.url}/api/projects/"

    missing = session.get(url)
    wrong = session.get(url, params={"api_key": "wrong"})

    assert missing.status_code == 401 and wrong.status_code == 401
    assert missing.json() == {"detail": "Authentication credentials were not provided."}
    assert wrong.json() == {"detail": "Invalid API key."}


def test_a_path_without_its_slash_redirects_keeping_the_query(standard: Any) -> None:
    response = standard.session().get(
        f"{standard.url}/api/projects",
        params={"api_key": "x", "page": "2"},
        allow_redirects=False,
    )

    assert response.status_code == 301
    assert response.headers["Location"] == "/api/projects/?api_key=x&page=2"


def test_objects_carry_id_self_and_timestamps(standard: Any) -> None:
    project = standard.baton_get("projects/10/")

    assert project["id"] == 10
    assert project["_self"] == f"{standard.url}/api/projects/10/"
    assert project["created"].endswith("Z") and project["modified"].endswith("Z")


def test_relations_are_uris_and_embedded_objects(standard: Any) -> None:
    project = standard.baton_get("projects/10/")
    value = standard.baton_get("custom_field_values/1/")
    entry = standard.baton_get("time_entries/1/")
    user = standard.baton_get("project_users/1/")

    assert project["phase"] == {
        "id": 2,
        "_self": f"{standard.url}/api/phases/2/",
        "name": "Kickoff",
        "order": 1,
    }
    assert project["companies"] == [f"{standard.url}/api/companies/1/"]
    assert project["task_list"] == [f"{standard.url}/api/tasks/1/"]
    assert project["project_user_list"] == [f"{standard.url}/api/project_users/1/"]
    assert value["field"] == {"id": 1, "title": "Region", "type": "dropdown"}
    assert value["selected_option"] == {"id": 5, "value": "EMEA"}
    assert value["project"] == f"{standard.url}/api/projects/10/"
    assert entry["rate"] == {"hourly_rate": "150.00"}
    assert entry["started_at"] == "2026-01-05T09:00:00Z"
    assert user["user"] == f"{standard.url}/api/users/1/" and user["role"] == "vendor_lead"


def test_projects_show_every_field_in_baton_shapes(standard: Any) -> None:
    project = standard.baton_get("projects/10/")
    bare = standard.baton_get("projects/11/")

    assert project["status"] == "doing"
    assert project["deadline_datetime"] == "2026-03-01T00:00:00Z"
    assert project["annual_contract_value"] == "15000.00"
    assert project["risk_profiles"] == [
        {"id": 1, "level": "green", "projected_golive_datetime": "2026-02-20T00:00:00Z"}
    ]
    assert bare["status"] == "planning"
    assert bare["phase"] is None and bare["companies"] == [] and bare["health"] is None
    assert list(bare)[:2] == ["id", "_self"] and list(bare)[-2:] == ["created", "modified"]


def test_a_missing_object_or_collection_is_not_found(standard: Any) -> None:
    missing = standard.baton("GET", "projects/999/")
    unknown = standard.baton("GET", "widgets/")

    assert missing.status_code == 404 and missing.json() == {"detail": "Not found."}
    assert unknown.status_code == 404


@pytest.fixture(scope="module")
def crowded(make_shared_emulator: Callable[..., Any]) -> Any:
    """An emulator with 250 users."""
    users = [{"first_name": f"User {n}", "email": f"u{n}@example.com"} for n in range(250)]
    return make_shared_emulator(seed={"baton": {"users": users}}, fmt="json")


def test_lists_are_paged_with_absolute_links_that_keep_the_api_key(crowded: Any) -> None:
    api_key = crowded.env["BATON_SF_BATON_API_KEY"]

    first = crowded.baton_get("users/")
    second = crowded.baton_get("users/", page=2)
    last = crowded.baton_get("users/", page=3)

    assert first["count"] == 250 and len(first["results"]) == 100
    assert first["previous"] is None
    next_link = urlsplit(first["next"])
    assert f"{next_link.scheme}://{next_link.netloc}" == crowded.url
    assert next_link.path == "/api/users/"
    assert parse_qs(next_link.query) == {"api_key": [api_key], "page": ["2"]}
    assert [u["id"] for u in second["results"]] == list(range(101, 201))
    assert parse_qs(urlsplit(second["previous"]).query) == {"api_key": [api_key]}
    assert len(last["results"]) == 50 and last["next"] is None


def test_following_next_links_reads_every_object_once(crowded: Any) -> None:
    session = crowded.session()
    url: str | None = f"{crowded.url}/api/users/?api_key={crowded.env['BATON_SF_BATON_API_KEY']}"
    seen: list[int] = []

    while url:
        page = session.get(url).json()
        seen += [user["id"] for user in page["results"]]
        url = page["next"]

    assert seen == list(range(1, 251))


def test_page_size_is_capped_at_100_and_kept_in_links(crowded: Any) -> None:
    small = crowded.baton_get("users/", page_size=30)
    large = crowded.baton_get("users/", page_size=500)

    assert len(small["results"]) == 30
    assert parse_qs(urlsplit(small["next"]).query)["page_size"] == ["30"]
    assert len(large["results"]) == 100


@pytest.mark.parametrize("page", ["4", "0", "abc"])
def test_a_page_past_the_end_is_invalid(crowded: Any, page: str) -> None:
    response = crowded.baton("GET", "users/", params={"page": page})

    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_a_post_creates_a_project_with_defaults(writable: Any) -> None:
    response = writable.baton(
        "POST",
        "projects/",
        json={
            "title": "New rollout",
            "phase": f"{writable.url}/api/phases/2/",
            "companies": [1],
            "deadline_datetime": "2026-07-01T12:00:00+02:00",
            "implementation_budget": 2500.5,
        },
    )

    assert response.status_code == 201
    project = response.json()
    assert project["status"] == "planning" and project["archived"] is False
    assert project["phase"]["name"] == "Kickoff"
    assert project["deadline_datetime"] == "2026-07-01T10:00:00Z"
    assert project["implementation_budget"] == "2500.50"
    assert writable.baton_get(f"projects/{project['id']}/") == project


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        pytest.param({}, {"title": ["This field is required."]}, id="no title"),
        pytest.param({"title": ""}, {"title": ["This field may not be blank."]}, id="blank"),
        pytest.param(
            {"title": "x", "status": "busy"},
            {"status": ['"busy" is not a valid choice.']},
            id="bad status",
        ),
        pytest.param(
            {"title": "x", "phase": 99},
            {"phase": ['Invalid pk "99" - object does not exist.']},
            id="missing pk",
        ),
        pytest.param(
            {"title": "x", "phase": "https://elsewhere/api/users/1/"},
            {"phase": ["Invalid hyperlink - Incorrect URL match."]},
            id="wrong uri",
        ),
        pytest.param(
            {"title": "x", "annual_contract_value": "lots"},
            {"annual_contract_value": ["A valid number is required."]},
            id="money",
        ),
    ],
)
def test_bad_posts_get_drf_field_errors(
    writable: Any, body: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    before = writable.baton_get("projects/")["count"]

    response = writable.baton("POST", "projects/", json=body)

    assert response.status_code == 400
    assert response.json() == errors
    assert writable.baton_get("projects/")["count"] == before


def test_a_patch_changes_only_the_given_fields(writable: Any) -> None:
    created = writable.baton("POST", "projects/", json={"title": "To change"}).json()

    response = writable.baton(
        "PATCH", f"projects/{created['id']}/", json={"status": "done", "health": "green"}
    )

    assert response.status_code == 200
    changed = response.json()
    assert changed["status"] == "done" and changed["health"] == "green"
    assert changed["title"] == "To change"
    assert changed["modified"] >= created["modified"]
    assert writable.baton("PATCH", "projects/999/", json={"title": "x"}).status_code == 404


def test_custom_field_values_take_dates_and_ids(writable: Any) -> None:
    field = writable.baton("POST", "custom_fields/", json={"title": "Go-live", "type": "date"})

    value = writable.baton(
        "POST",
        "custom_field_values/",
        json={"project": 10, "field": field.json()["id"], "value_date": "2026-09-01"},
    )

    assert value.status_code == 201
    assert value.json()["field"] == {"id": field.json()["id"], "title": "Go-live", "type": "date"}
    assert value.json()["value_date"] == "2026-09-01"


def test_the_api_root_and_swagger_list_the_collections(standard: Any) -> None:
    root = standard.baton_get("")
    swagger = standard.session().get(f"{standard.url}/api/swagger.json").json()

    assert root["projects"] == f"{standard.url}/api/projects/"
    assert len(root) == 20
    assert set(swagger["paths"]["/projects/{id}/"]) == {"get", "patch"}
