"""Baton's REST API under `/api/`: Django REST Framework conventions.

The API key goes in the `api_key` query parameter of every request. Collection paths end
with `/` (without it: 301). Lists are paged with `page` and `page_size` (at most 100), and
`next`/`previous` are absolute URLs that keep the request's other parameters.
"""

from __future__ import annotations

import hmac
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from . import baton_model
from .baton import BatonInvalid, Workspace
from .stats import Stats
from .web import Request, Response, json_response

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 100
BY_COLLECTION = "baton.collections"
"""The stats service counting Baton requests by method and collection (`GET projects`)."""

_PATH = re.compile(r"/api(?:/(?P<collection>[A-Za-z_]+)(?:/(?P<id>[^/]+))?)?(?P<slash>/?)")


def _detail(status: int, message: str) -> Response:
    return json_response(status, {"detail": message})


# Known limit: list endpoints take no filter parameters, and PUT and DELETE are not served.
class BatonApi:
    """Routes `/api/...` requests."""

    def __init__(self, workspace: Workspace, stats: Stats, api_key: str) -> None:
        self.workspace = workspace
        self.stats = stats
        self._api_key = api_key

    def handle(self, request: Request) -> Response:
        """Answer one request under `/api`."""
        if request.path == "/api/swagger.json":
            self.stats.count("baton", "baton.swagger")
            return json_response(200, swagger(request.host, self.workspace.writable()))
        match = _PATH.fullmatch(request.path)
        if match is None:
            return self._not_found()
        if not match.group("slash"):
            self.stats.count("baton", "baton.redirect")
            return _redirect(request)
        problem = self._authenticate(request)
        if problem is not None:
            self.stats.count("baton", "baton.unauthorized")
            return problem
        collection, raw_id = match.group("collection"), match.group("id")
        if collection is None:
            self.stats.count("baton", "baton.root")
            return self._root(request)
        if collection not in baton_model.COLLECTIONS:
            return self._not_found()
        if raw_id is None:
            return self._collection(request, collection)
        if not raw_id.isdigit():
            return self._not_found()
        return self._object(request, collection, int(raw_id))

    def _not_found(self) -> Response:
        self.stats.count("baton", "baton.not_found")
        return _detail(404, "Not found.")

    def _authenticate(self, request: Request) -> Response | None:
        given = request.param("api_key")
        if not given:
            return _detail(401, "Authentication credentials were not provided.")
        if not hmac.compare_digest(given.encode(), self._api_key.encode()):
            return _detail(401, "Invalid API key.")
        return None

    def _root(self, request: Request) -> Response:
        base = request.base_url
        return json_response(200, {name: f"{base}/api/{name}/" for name in baton_model.COLLECTIONS})

    def _collection(self, request: Request, collection: str) -> Response:
        if request.method == "GET":
            self.stats.count("baton", "baton.list")
            self.stats.count(BY_COLLECTION, f"GET {collection}")
            return self._list(request, collection)
        if request.method == "POST" and collection in self.workspace.writable():
            self.stats.count(BY_COLLECTION, f"POST {collection}")
            self.stats.count("baton", "baton.create")
            return self._write(
                request, lambda body: self.workspace.create(collection, body, request.base_url), 201
            )
        return _method_not_allowed(request)

    def _object(self, request: Request, collection: str, object_id: int) -> Response:
        if request.method == "GET":
            self.stats.count("baton", "baton.get")
            self.stats.count(BY_COLLECTION, f"GET {collection}/{{id}}")
            found = self.workspace.get(collection, object_id, request.base_url)
            return _detail(404, "Not found.") if found is None else json_response(200, found)
        if request.method == "PATCH" and collection in self.workspace.writable():
            self.stats.count("baton", "baton.update")
            self.stats.count(BY_COLLECTION, f"PATCH {collection}")
            return self._write(
                request,
                lambda body: self.workspace.update(collection, object_id, body, request.base_url),
                200,
            )
        return _method_not_allowed(request)

    def _write(self, request: Request, write: Any, status: int) -> Response:
        try:
            body = request.json()
        except (ValueError, UnicodeDecodeError) as error:
            return _detail(400, f"JSON parse error - {error}")
        try:
            result = write(body)
        except BatonInvalid as invalid:
            return json_response(400, invalid.errors)
        if result is None:
            return _detail(404, "Not found.")
        return json_response(status, result)

    def _list(self, request: Request, collection: str) -> Response:
        page_size = _page_size(request.param("page_size"))
        count = self.workspace.count(collection)
        last_page = max(1, -(-count // page_size))
        page = _page_number(request.param("page"), last_page)
        if page is None or page > last_page:
            return _detail(404, "Invalid page.")
        _, results = self.workspace.page(collection, page, page_size, request.base_url)
        return json_response(
            200,
            {
                "count": count,
                "next": _page_link(request, page + 1) if page < last_page else None,
                "previous": _page_link(request, page - 1) if page > 1 else None,
                "results": results,
            },
        )


def _page_size(raw: str | None) -> int:
    """Read `page_size` as DRF does: invalid means the default, too large means the cap."""
    if raw is None or not raw.isdigit() or int(raw) < 1:
        return DEFAULT_PAGE_SIZE
    return min(int(raw), MAX_PAGE_SIZE)


def _page_number(raw: str | None, last_page: int) -> int | None:
    """Read `page` as DRF does: 1-based, or `last`; None when it is not a page number."""
    if raw is None:
        return 1
    if raw == "last":
        return last_page
    return int(raw) if raw.isdigit() and int(raw) >= 1 else None


def _page_link(request: Request, page: int) -> str:
    """Return the URL of another page, keeping every other parameter (as DRF does)."""
    params = dict(parse_qsl(request.raw_query, keep_blank_values=True))
    if page == 1:
        params.pop("page", None)
    else:
        params["page"] = str(page)
    query = urlencode(sorted(params.items()))
    return f"{request.base_url}{request.path}" + (f"?{query}" if query else "")


def _redirect(request: Request) -> Response:
    location = request.path + "/" + (f"?{request.raw_query}" if request.raw_query else "")
    return Response(301, b"", (("Location", location),), "text/html; charset=utf-8")


def _method_not_allowed(request: Request) -> Response:
    return _detail(405, f'Method "{request.method}" not allowed.')


def swagger(host: str, writable: tuple[str, ...] = baton_model.WRITABLE) -> dict[str, Any]:
    """Return a Swagger 2.0 document of the operations served: GET on every collection and
    object, POST and PATCH on the `writable` collections."""
    paths: dict[str, Any] = {}
    for name in baton_model.COLLECTIONS:
        paths[f"/{name}/"] = {"get": {"operationId": f"{name}_list", "tags": [name]}}
        paths[f"/{name}/{{id}}/"] = {"get": {"operationId": f"{name}_read", "tags": [name]}}
        if name in writable:
            paths[f"/{name}/"]["post"] = {"operationId": f"{name}_create", "tags": [name]}
            paths[f"/{name}/{{id}}/"]["patch"] = {
                "operationId": f"{name}_partial_update",
                "tags": [name],
            }
    return {
        "swagger": "2.0",
        "info": {"title": "Baton API", "version": "v1"},
        "host": host,
        "schemes": ["https"],
        "basePath": "/api",
        "securityDefinitions": {"api_key": {"type": "apiKey", "name": "api_key", "in": "query"}},
        "paths": paths,
    }
