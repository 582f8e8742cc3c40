"""One emulator per workload and size: started from the workload's seed on a chosen port,
its request counters read and reset between the measured steps, stopped at the end."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from reconciler.emulator import control

START_TIMEOUT_SECONDS = 1800.0
"""A seed of 100,000 linked records takes about a minute to load on two cores."""

_SERVED = re.compile(rb" (\d+(?:\.\d+)?)ms$", re.MULTILINE)

REAL_BATON_RATE = 1000
RAISED_BATON_RATE = 1_000_000
DAILY_LIMIT = 1_000_000_000
"""High enough that no naive baseline runs out of the org's daily API requests."""


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_faults(path: Path, baton_rate: int) -> Path:
    """A faults file with no faults: Baton's rate limit and a large daily API allowance."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"salesforce: {{dailyLimit: {DAILY_LIMIT}}}\nbaton: {{ratePerMinute: {baton_rate}}}\n",
        encoding="utf-8",
    )
    return path


@dataclass
class BenchEmulator:
    """A running emulator and a session that trusts its CA."""

    state: Path
    env: dict[str, str]
    session: requests.Session

    @classmethod
    def start(cls, state: Path, port: int, seed: Path, faults: Path) -> BenchEmulator:
        """Start an emulator from a seed and faults file and wait until it answers."""
        control.down(state)
        info = control.up(state, port=port, seed=seed, faults=faults, timeout=START_TIMEOUT_SECONDS)
        session = requests.Session()
        session.trust_env = False
        session.verify = str(info.ca_bundle)
        return cls(state, control.env(state), session)

    @property
    def url(self) -> str:
        return self.env["BATON_SF_SALESFORCE_URL"]

    def stats(self) -> dict[str, Any]:
        """The request counts since the last reset, by service and kind."""
        answer = self.session.get(f"{self.url}/__emulator/stats", timeout=30)
        answer.raise_for_status()
        counts: dict[str, Any] = answer.json()
        return counts

    def reset_stats(self) -> None:
        """Start counting from zero."""
        self.session.delete(f"{self.url}/__emulator/stats", timeout=30).raise_for_status()

    def log_size(self) -> int:
        """How many bytes the server's log holds now."""
        return (self.state / "server.log").stat().st_size

    # Known limit: the emulator's time per request starts once its headers are parsed;
    # TLS handshakes and reading the request line are not in `served_seconds`.
    def served_seconds(self, offset: int) -> float:
        """Seconds the server spent answering the requests logged after `offset` (each
        request's line ends with its time from parsed headers to the last byte written)."""
        with (self.state / "server.log").open("rb") as log:
            log.seek(offset)
            tail = log.read()
        # The /__emulator/ lines are the harness's own and take well under a millisecond.
        return sum(float(match) for match in _SERVED.findall(tail)) / 1000

    def stop(self) -> None:
        """Stop the emulator and close the session."""
        self.session.close()
        control.down(self.state)
