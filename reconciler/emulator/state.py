"""The files of a state directory, and the record of the server running for it.

`server.json` (mode 0600) holds the pid, port, URL, CA bundle, access token and API key of
the running server; `ca.pem` the throwaway CA; `emulator.db` the storage; `server.log` the
server's output.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class StatePaths:
    """Where each file of a state directory lives."""

    root: Path

    @property
    def server_json(self) -> Path:
        return self.root / "server.json"

    @property
    def ca_pem(self) -> Path:
        return self.root / "ca.pem"

    @property
    def database(self) -> Path:
        return self.root / "emulator.db"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    @property
    def startup_error(self) -> Path:
        return self.root / "startup-error.txt"


@dataclass(frozen=True)
class ServerRecord:
    """What `server.json` says about the running server; secrets stay out of the repr."""

    pid: int
    port: int
    url: str
    ca_bundle: str
    token: str = field(repr=False)
    api_key: str = field(repr=False)
    started: str = ""


def write_private(path: Path, text: str) -> None:
    """Write a file readable by its owner only, replacing any old one at once."""
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(partial, 0o600)
    partial.replace(path)


def write_server_record(paths: StatePaths, record: ServerRecord) -> None:
    """Save the record of the running server."""
    write_private(paths.server_json, json.dumps(asdict(record), indent=2) + "\n")


def read_server_record(paths: StatePaths) -> ServerRecord | None:
    """Return the saved record, or None when there is none or it cannot be read."""
    try:
        data: Any = json.loads(paths.server_json.read_text(encoding="utf-8"))
        return ServerRecord(**data)
    except (OSError, ValueError, TypeError):
        return None


def remove_server_record(paths: StatePaths, pid: int | None = None) -> None:
    """Delete `server.json`; with `pid`, only when it describes that process."""
    if pid is not None:
        record = read_server_record(paths)
        if record is not None and record.pid != pid:
            return
    paths.server_json.unlink(missing_ok=True)
