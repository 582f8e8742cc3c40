from reconciler.apply.journal import PendingChange
from reconciler.apply.recovery import recovered_project

STARTED = "2026-12-03T10:00:00+00:00"


def _pending(result: dict[str, int] | None = None) -> PendingChange:
    return PendingChange("a1", "baton.project[won/006A]", STARTED, result or {})


def test_a_noted_project_id_is_used() -> None:
    projects = [{"id": 5, "title": "Other", "created": "2026-01-01T00:00:00Z"}]

    assert (
        recovered_project([_pending({"projectId": 5})], "T", projects, linked=set()) == projects[0]
    )


def test_an_unlinked_project_with_the_title_made_after_the_start_is_adopted() -> None:
    projects = [
        {"id": 1, "title": "T", "created": "2026-12-02T10:00:00Z"},
        {"id": 2, "title": "T", "created": "2026-12-03T10:00:01Z"},
    ]

    found = recovered_project([_pending()], "T", projects, linked=set())

    assert found is not None and found["id"] == 2


def test_a_linked_project_is_never_adopted() -> None:
    projects = [{"id": 2, "title": "T", "created": "2026-12-03T10:00:01Z"}]

    assert recovered_project([_pending()], "T", projects, linked={2}) is None


def test_nothing_pending_means_nothing_recovered() -> None:
    projects = [{"id": 2, "title": "T", "created": "2026-12-03T10:00:01Z"}]

    assert recovered_project([], "T", projects, linked=set()) is None
