"""The request and response values the routers exchange with the HTTPS server."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote


@dataclass(frozen=True)
class Request:
    """One HTTP request; `path` is still percent-encoded, split it before decoding."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    raw_query: str
    headers: Mapping[str, str]
    body: bytes
    host: str

    def param(self, name: str) -> str | None:
        """Return the first value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else None

    def header(self, name: str) -> str | None:
        """Return a header, matched case-insensitively."""
        return self.headers.get(name)

    def json(self) -> Any:
        """Decode the JSON body; raise ValueError when it is not JSON."""
        return json.loads(self.body.decode("utf-8")) if self.body else None

    def segments(self, prefix: str) -> list[str]:
        """Split the path after `prefix` into decoded segments (a trailing '' marks '/')."""
        rest = self.path[len(prefix) :].lstrip("/")
        return [unquote(part) for part in rest.split("/")] if rest else []

    @property
    def base_url(self) -> str:
        """The server root as the client addressed it."""
        return f"https://{self.host}"


@dataclass(frozen=True)
class Response:
    """One HTTP response; `dropped` closes the connection without answering."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = field(default=())
    content_type: str = "application/json;charset=UTF-8"
    dropped: bool = False

    def with_header(self, name: str, value: str) -> Response:
        """Return a copy with one more header."""
        return Response(
            self.status, self.body, (*self.headers, (name, value)), self.content_type, self.dropped
        )


DROPPED = Response(0, dropped=True)


def json_response(status: int, payload: Any, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    """Return a JSON response."""
    body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    return Response(status, body, headers)
