"""The HTTPS server: the standard library's threading HTTP server with TLS per connection.

The TLS handshake runs in each connection's own thread, so a slow client never blocks the
accept loop. Connections are kept alive (HTTP/1.1), as `requests` sessions expect.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import ssl
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .app import App
from .web import Request

logger = logging.getLogger(__name__)

_HANDSHAKE_TIMEOUT = 10.0


class EmulatorServer(ThreadingHTTPServer):
    """Serves one App over HTTPS on a loopback address."""

    daemon_threads = True
    allow_reuse_address = True
    app: App

    def __init__(self, address: tuple[str, int], context: ssl.SSLContext) -> None:
        """Bind the address; set `app` before serving."""
        super().__init__(address, _Handler)
        self.context = context

    @property
    def port(self) -> int:
        """The port actually bound (useful when asked for port 0)."""
        return int(self.server_address[1])

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Wrap the connection in TLS, then let the handler serve it."""
        request.settimeout(_HANDSHAKE_TIMEOUT)
        # Headers and body leave in separate writes; without this, the client's delayed
        # acknowledgement holds every answer back by about 40 ms.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as error:
            logger.info("TLS handshake failed: %s", error)
            return
        try:
            _Handler(tls, client_address, self)
        finally:
            with contextlib.suppress(OSError):
                tls.shutdown(socket.SHUT_RDWR)
            tls.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Log a dropped connection in one line instead of a traceback."""
        logger.info("connection from %s ended with an error", client_address[0])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: EmulatorServer
    timeout = 120

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        started = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            raw_query=split.query,
            headers=self.headers,  # type: ignore[arg-type]
            body=body,
            host=self.headers.get("Host") or f"127.0.0.1:{self.server.port}",
        )
        response = self.server.app.handle(request)
        if response.dropped:
            # An injected fault: the connection ends without an answer.
            self.close_connection = True
            logger.info("%s %s dropped", self.command, split.path)
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)
        elapsed = (time.monotonic() - started) * 1000
        # The query string is left out: Baton's API key travels in it.
        logger.info("%s %s %d %.1fms", self.command, split.path, response.status, elapsed)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Requests are logged by _serve, without their query string."""

    def log_error(self, format: str, *args: Any) -> None:
        """Log a malformed request without echoing the request line (it may hold a key)."""
        logger.info("bad request from %s", self.client_address[0])
