"""What a Baton workspace offers, read from its own `/api/swagger.json`.

Baton's public material confirms its read operations only. Before a plan that writes to
Baton is shown or applied, the operations it needs are checked against the workspace's
Swagger document, so that a missing write stops the run with its name instead of failing
halfway through an apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Method = Literal["GET", "POST", "PATCH"]

_METHODS = ("get", "post", "patch", "put", "delete")


@dataclass(frozen=True, order=True)
class Operation:
    """One method on one collection: `POST /api/projects/`, or `PATCH` on one object."""

    method: Method
    collection: str

    def __str__(self) -> str:
        if self.method == "PATCH":
            return f"PATCH /api/{self.collection}/{{id}}/"
        return f"{self.method} /api/{self.collection}/"

    @property
    def purpose(self) -> str:
        """What baton-sf uses the operation for, in words."""
        return _PURPOSES.get((self.method, self.collection), f"{self.method} {self.collection}")


_PURPOSES: Mapping[tuple[str, str], str] = {
    ("POST", "projects"): "creating projects",
    ("POST", "project_users"): "adding project users (the project and client leads)",
    ("POST", "custom_fields"): "creating the Salesforce Link custom field",
    ("POST", "custom_field_values"): "setting custom field values (the link and custom fields)",
    ("PATCH", "custom_field_values"): "changing custom field values",
    ("GET", "templates"): "reading project templates",
}


@dataclass(frozen=True)
class Capabilities:
    """The operations a workspace's Swagger document lists; `source` says where it was read,
    and `published` is False when the workspace serves no such document."""

    operations: frozenset[Operation]
    source: str
    published: bool = True

    def offers(self, operation: Operation) -> bool:
        return operation in self.operations

    def missing(self, needed: Iterable[Operation]) -> list[Operation]:
        """The operations of `needed` that the workspace does not offer, sorted."""
        return sorted({op for op in needed if op not in self.operations})


def parse_swagger(document: Any, source: str) -> Capabilities:
    """The operations of a Swagger 2.0 (or OpenAPI 3) document's `paths`.

    A collection path (`/projects/`) gives GET and POST on the collection; an object path
    (`/projects/{id}/`) gives PATCH. Paths may carry the `/api` prefix or leave it to
    `basePath`; anything that is not a collection or object path is ignored.
    """
    paths = document.get("paths") if isinstance(document, Mapping) else None
    operations: set[Operation] = set()
    for path, item in (paths or {}).items():
        if not isinstance(path, str) or not isinstance(item, Mapping):
            continue
        shape = _path_shape(path)
        if shape is None:
            continue
        collection, is_object = shape
        for method in _METHODS:
            if method in item:
                operation = _operation(method.upper(), collection, is_object)
                if operation is not None:
                    operations.add(operation)
    return Capabilities(frozenset(operations), source)


def _path_shape(path: str) -> tuple[str, bool] | None:
    """(collection, is an object path) of `/api/projects/` or `/projects/{id}/`."""
    parts = [part for part in path.strip("/").split("/") if part]
    if parts and parts[0] == "api":
        parts = parts[1:]
    if len(parts) == 1 and not parts[0].startswith("{"):
        return parts[0], False
    if len(parts) == 2 and parts[1].startswith("{") and parts[1].endswith("}"):
        return parts[0], True
    return None


def _operation(method: str, collection: str, is_object: bool) -> Operation | None:
    if method == "GET":
        return Operation("GET", collection)
    if method == "POST" and not is_object:
        return Operation("POST", collection)
    if method == "PATCH" and is_object:
        return Operation("PATCH", collection)
    return None
