"""Reading a workspace's operations from its Swagger document, and refusing plans that need
an operation it does not offer."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.baton.capabilities import Capabilities, Operation, parse_swagger
from reconciler.errors import PlanError
from reconciler.plan.capabilities import check_capabilities, required_operations
from reconciler.plan.model import Change

SWAGGER: dict[str, Any] = {
    "swagger": "2.0",
    "basePath": "/api",
    "paths": {
        "/projects/": {"get": {}, "post": {}},
        "/projects/{id}/": {"get": {}, "patch": {}},
        "/custom_fields/": {"get": {}, "post": {}},
        "/custom_field_values/": {"get": {}, "post": {}},
        "/custom_field_values/{id}/": {"get": {}, "patch": {}},
        "/project_users/": {"get": {}},
        "/templates/": {"get": {}},
        "/swagger.json": {"get": {}},
    },
}


def create(**after: Any) -> Change:
    return Change(
        action="create",
        resource="baton.project",
        address="baton.project[won/006A]",
        after={"title": "x", "link": "won/006A", **after},
    )


def test_collection_and_object_paths_give_their_operations() -> None:
    capabilities = parse_swagger(SWAGGER, "https://w/api/swagger.json")

    assert capabilities.offers(Operation("POST", "projects"))
    assert capabilities.offers(Operation("PATCH", "custom_field_values"))
    assert capabilities.offers(Operation("GET", "project_users"))
    assert not capabilities.offers(Operation("POST", "project_users"))
    assert not capabilities.offers(Operation("POST", "swagger.json"))


def test_paths_with_the_api_prefix_read_the_same() -> None:
    prefixed = {"paths": {f"/api{path}": item for path, item in SWAGGER["paths"].items()}}

    assert parse_swagger(prefixed, "x").operations == parse_swagger(SWAGGER, "x").operations


@pytest.mark.parametrize(
    ("after", "needed"),
    [
        pytest.param({}, ["POST /api/custom_field_values/", "POST /api/projects/"], id="bare"),
        pytest.param(
            {"projectLead": "pm@x.example"},
            [
                "POST /api/custom_field_values/",
                "POST /api/project_users/",
                "POST /api/projects/",
            ],
            id="lead",
        ),
        pytest.param(
            {"template": "Onboarding"},
            ["GET /api/templates/", "POST /api/custom_field_values/", "POST /api/projects/"],
            id="template",
        ),
    ],
)
def test_a_create_needs_the_project_link_and_what_it_adds(
    after: dict[str, Any], needed: list[str]
) -> None:
    operations = required_operations([create(**after)])

    assert sorted(str(operation) for operation in operations) == sorted(needed)


def test_a_plan_needing_an_operation_the_workspace_lacks_stops_naming_it() -> None:
    capabilities = parse_swagger(SWAGGER, "https://w/api/swagger.json")

    with pytest.raises(PlanError) as caught:
        check_capabilities([create(projectLead="pm@x.example")], capabilities)

    message = str(caught.value)
    assert "POST /api/project_users/" in message
    assert "baton.project[won/006A]" in message
    assert "https://w/api/swagger.json" in message


def test_a_plan_within_the_workspace_operations_passes() -> None:
    check_capabilities([create()], parse_swagger(SWAGGER, "x"))


def test_a_workspace_without_swagger_refuses_writes_but_not_reads() -> None:
    unpublished = Capabilities(frozenset(), "https://w/api/swagger.json", published=False)

    check_capabilities([], unpublished)
    with pytest.raises(PlanError, match=r"publishes no /api/swagger\.json"):
        check_capabilities([create()], unpublished)
