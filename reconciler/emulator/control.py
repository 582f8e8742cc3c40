"""Starting, stopping and finding the emulator of a state directory.

`up` starts `python -m reconciler.emulator serve` as a detached process and returns once it
answers over HTTPS with its seed loaded; `down` stops it; `status` and `env` read what it
wrote to the state directory. These four are what the `baton-sf emulator` commands wrap.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import EmulatorError
from .faults import read_faults
from .state import ServerRecord, StatePaths, read_server_record, remove_server_record

_POLL_SECONDS = 0.02
_STOP_SECONDS = 10.0
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]

# Servers this process started, kept so that stopping one also reaps it.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class EmulatorInfo:
    """A running emulator. Its access token and API key are in `env`, never in here."""

    url: str
    port: int
    pid: int
    state_dir: Path
    ca_bundle: Path


def up(
    state_dir: Path,
    *,
    port: int | None = None,
    schema_dir: Path | None = None,
    seed: Path | None = None,
    faults: Path | None = None,
    timeout: float = 30.0,
) -> EmulatorInfo:
    """Start an emulator for a state directory, from fresh storage, and wait until it answers.

    `faults` is a faults file (see `faults.py`); it is checked before anything starts.
    """
    paths = StatePaths(Path(state_dir).resolve())
    paths.root.mkdir(parents=True, exist_ok=True)
    running = status(paths.root)
    if running is not None:
        raise EmulatorError(
            f"an emulator is already running for {paths.root} (pid {running.pid}, "
            f"{running.url}); stop it first with `baton-sf emulator down`"
        )
    _check_inputs(schema_dir, seed)
    if faults is not None:
        read_faults(Path(faults))
    remove_server_record(paths)
    paths.startup_error.unlink(missing_ok=True)
    process = _spawn(paths, port or 0, schema_dir, seed, faults)
    return _wait_until_ready(paths, process, timeout)


def down(state_dir: Path) -> bool:
    """Stop the emulator of a state directory; True if one was running."""
    paths = StatePaths(Path(state_dir).resolve())
    record = read_server_record(paths)
    if record is None or not _is_running(record.pid):
        _reap(record.pid if record else None)
        remove_server_record(paths)
        return False
    _stop(record.pid)
    remove_server_record(paths)
    return True


def status(state_dir: Path) -> EmulatorInfo | None:
    """Return the running emulator of a state directory, or None."""
    paths = StatePaths(Path(state_dir).resolve())
    record = read_server_record(paths)
    if record is None or not _is_running(record.pid):
        return None
    return _info(paths, record)


def env(state_dir: Path) -> dict[str, str]:
    """Return the environment variables that point baton-sf at the running emulator."""
    paths = StatePaths(Path(state_dir).resolve())
    record = read_server_record(paths)
    if record is None or not _is_running(record.pid):
        raise EmulatorError(
            f"no emulator is running for {paths.root}; start one with `baton-sf emulator up`"
        )
    return {
        "BATON_SF_SALESFORCE_URL": record.url,
        "BATON_SF_SALESFORCE_TOKEN": record.token,
        "BATON_SF_BATON_URL": record.url,
        "BATON_SF_BATON_API_KEY": record.api_key,
        "BATON_SF_CA_BUNDLE": str(paths.ca_pem),
    }


def _info(paths: StatePaths, record: ServerRecord) -> EmulatorInfo:
    return EmulatorInfo(record.url, record.port, record.pid, paths.root, paths.ca_pem)


def _check_inputs(schema_dir: Path | None, seed: Path | None) -> None:
    if seed is not None and not Path(seed).is_file():
        raise EmulatorError(f"seed file {seed} does not exist; check the path")
    if schema_dir is not None and not Path(schema_dir).is_dir():
        raise EmulatorError(
            f"schema directory {schema_dir} does not exist; give a directory of describe JSON files"
        )


def _spawn(
    paths: StatePaths,
    port: int,
    schema_dir: Path | None,
    seed: Path | None,
    faults: Path | None,
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "reconciler.emulator",
        "serve",
        "--state",
        str(paths.root),
        "--port",
        str(port),
    ]
    if schema_dir is not None:
        command += ["--schema", str(schema_dir)]
    if seed is not None:
        command += ["--seed", str(seed)]
    if faults is not None:
        command += ["--faults", str(Path(faults).resolve())]
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(_PACKAGE_ROOT), environment.get("PYTHONPATH")) if part
    )
    with open(paths.log, "wb") as log:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=environment,
        )


def _wait_until_ready(
    paths: StatePaths, process: subprocess.Popen[bytes], timeout: float
) -> EmulatorInfo:
    deadline = time.monotonic() + timeout
    while True:
        code = process.poll()
        if code is not None:
            raise EmulatorError(_startup_failure(paths, code))
        record = read_server_record(paths)
        if record is not None and record.pid == process.pid and _answers(record, paths):
            _CHILDREN[process.pid] = process
            return _info(paths, record)
        if time.monotonic() > deadline:
            _kill(process)
            remove_server_record(paths)
            raise EmulatorError(
                f"the emulator did not answer within {timeout:g} s; see {paths.log} and try "
                "again with a longer timeout"
            )
        time.sleep(_POLL_SECONDS)


def _answers(record: ServerRecord, paths: StatePaths) -> bool:
    """Tell whether the server answers its health check over verified HTTPS."""
    try:
        context = ssl.create_default_context(cafile=str(paths.ca_pem))
        connection = http.client.HTTPSConnection(
            "127.0.0.1", record.port, context=context, timeout=2
        )
        try:
            connection.request("GET", "/__emulator/health")
            return connection.getresponse().status == 200
        finally:
            connection.close()
    except (OSError, ssl.SSLError, http.client.HTTPException):
        return False


def _startup_failure(paths: StatePaths, code: int) -> str:
    """Return the server's own one-line reason for not starting, or its last log line."""
    try:
        message = paths.startup_error.read_text(encoding="utf-8").strip()
        paths.startup_error.unlink(missing_ok=True)
        if message:
            return message
    except OSError:
        pass
    try:
        lines = paths.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        lines = []
    last = lines[-1] if lines else "no output"
    return f"the emulator exited with code {code} before answering ({last}); see {paths.log}"


def _is_running(pid: int) -> bool:
    """Tell whether `pid` is a live emulator server (not a zombie, not another program)."""
    child = _CHILDREN.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False
    return _looks_like_emulator(pid)


def _looks_like_emulator(pid: int) -> bool:
    proc = Path(f"/proc/{pid}")
    if not proc.exists():
        return True  # no /proc on this system: trust the pid
    try:
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        command = (proc / "cmdline").read_bytes()
    except (OSError, IndexError):
        return False
    return state != "Z" and b"reconciler.emulator" in command


def _stop(pid: int) -> None:
    """Ask the server to stop, and kill it if it has not within the grace period."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    child = _CHILDREN.pop(pid, None)
    if child is not None:
        try:
            child.wait(timeout=_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            _kill(child)
        return
    deadline = time.monotonic() + _STOP_SECONDS
    while _is_running(pid) and time.monotonic() < deadline:
        time.sleep(_POLL_SECONDS)
    if _is_running(pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _reap(pid: int | None) -> None:
    child = _CHILDREN.pop(pid, None) if pid is not None else None
    if child is not None:
        child.wait()
