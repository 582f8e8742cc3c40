"""A tiny HTTP server on 127.0.0.1 that answers from a script, for the client's failure paths
(429 with Retry-After, 5xx, dropped connections, foreign next links) that a healthy emulator
does not produce on demand."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DROP = "drop"


@dataclass(frozen=True)
class Seen:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: str | None = None


Script = Callable[[Seen, str], Reply | str]


@dataclass
class Scripted:
    """The running server: its URL and every request it saw."""

    url: str
    seen: list[Seen]

    def paths(self) -> list[str]:
        return [request.path for request in self.seen]


@contextmanager
def scripted_server(script: Script) -> Iterator[Scripted]:
    """Serve `script(request, base_url)` until the block ends."""
    seen: list[Seen] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            request = Seen(
                self.command,
                parts.path,
                parse_qs(parts.query, keep_blank_values=True),
                json.loads(raw) if raw else None,
            )
            seen.append(request)
            reply = script(request, base)
            if reply == DROP:
                self.close_connection = True
                self.connection.shutdown(2)
                return
            assert isinstance(reply, Reply)
            payload = (reply.raw if reply.raw is not None else json.dumps(reply.body)).encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = _answer

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield Scripted(base, seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def page(results: list[Any], next_url: str | None = None, count: int | None = None) -> Reply:
    """A DRF page."""
    body = {
        "count": len(results) if count is None else count,
        "next": next_url,
        "previous": None,
        "results": results,
    }
    return Reply(200, body)
