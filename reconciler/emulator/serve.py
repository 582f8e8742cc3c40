"""Running the server in the foreground: build storage, make the CA, bind, serve until
SIGTERM or SIGINT. `up` starts this in a background process.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import secrets
import signal
import ssl
import sys
import threading
from pathlib import Path
from types import FrameType

import trustme

from . import ids
from .app import App, Credentials
from .errors import EmulatorError
from .server import EmulatorServer
from .state import (
    ServerRecord,
    StatePaths,
    remove_server_record,
    write_private,
    write_server_record,
)
from .timefmt import now, sf_datetime

logger = logging.getLogger(__name__)


def serve(
    state_dir: Path,
    port: int,
    schema_dir: Path | None,
    seed: Path | None,
    faults: Path | None = None,
) -> int:
    """Serve until stopped; return the process exit code (2 when it cannot start)."""
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s"
    )
    paths = StatePaths(state_dir.resolve())
    try:
        paths.root.mkdir(parents=True, exist_ok=True)
        paths.startup_error.unlink(missing_ok=True)
        server = _bind(paths, port)
    except (EmulatorError, OSError) as error:
        return _startup_failed(paths, str(error))
    try:
        credentials = _new_credentials()
        server.app = App.build(
            paths.database, credentials, schema_dir=schema_dir, seed=seed, faults=faults
        )
    except EmulatorError as error:
        server.server_close()
        return _startup_failed(paths, str(error))
    return _run(server, paths, credentials)


def _bind(paths: StatePaths, port: int) -> EmulatorServer:
    """Write a fresh CA to the state directory and bind the HTTPS server to loopback."""
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    write_private(paths.ca_pem, authority.cert_pem.bytes().decode("ascii"))
    try:
        return EmulatorServer(("127.0.0.1", port), context)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise EmulatorError(
                f"port {port} on 127.0.0.1 is in use; choose another port, or none to take a "
                "free one"
            ) from error
        raise


def _new_credentials() -> Credentials:
    organization = ids.make_id("00D", 1)[:15]
    token = f"{organization}!{secrets.token_urlsafe(48)}"
    return Credentials(token=token, api_key=secrets.token_urlsafe(32))


def _startup_failed(paths: StatePaths, message: str) -> int:
    """Report why the server cannot start; of its files only the log stays."""
    print(f"error: {message}", file=sys.stderr, flush=True)
    paths.ca_pem.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        paths.startup_error.write_text(message + "\n", encoding="utf-8")
    return 2


def _run(server: EmulatorServer, paths: StatePaths, credentials: Credentials) -> int:
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    url = f"https://127.0.0.1:{server.port}"
    record = ServerRecord(
        pid=os.getpid(),
        port=server.port,
        url=url,
        ca_bundle=str(paths.ca_pem),
        token=credentials.token,
        api_key=credentials.api_key,
        started=sf_datetime(now()),
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    write_server_record(paths, record)
    logger.info("serving Salesforce and Baton on %s (state in %s)", url, paths.root)
    stop.wait()
    logger.info("stopping")
    server.shutdown()
    server.server_close()
    server.app.close()
    remove_server_record(paths, os.getpid())
    return 0
