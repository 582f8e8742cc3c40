"""Shared fixtures: real emulators on loopback, started and stopped through the control API."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import settings
from ruamel.yaml import YAML
from simple_salesforce import Salesforce

from reconciler.emulator import EmulatorInfo, down, env, up

SeedArg = dict[str, Any] | Path | None

# CI replays the same examples every run, so a submission's result does not depend on
# luck; local runs keep exploring new ones.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@dataclass
class RunningEmulator:
    """A started emulator and clients that trust its CA."""

    info: EmulatorInfo
    env: dict[str, str]
    _sessions: list[requests.Session] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.info.url

    @property
    def ca_bundle(self) -> Path:
        return self.info.ca_bundle

    @property
    def state_dir(self) -> Path:
        return self.info.state_dir

    def session(self) -> requests.Session:
        """Return a session that verifies the emulator's certificate.

        trust_env is off: a REQUESTS_CA_BUNDLE in the environment would otherwise take
        precedence over `session.verify`.
        """
        session = requests.Session()
        session.trust_env = False
        session.verify = str(self.ca_bundle)
        self._sessions.append(session)
        return session

    def sf(self, version: str = "62.0") -> Salesforce:
        """Return an unmodified simple-salesforce client over verified TLS."""
        return Salesforce(
            instance_url=self.env["BATON_SF_SALESFORCE_URL"],
            session_id=self.env["BATON_SF_SALESFORCE_TOKEN"],
            session=self.session(),
            version=version,
        )

    def baton(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Call the Baton API with the API key; `path` is relative to /api/."""
        params = {"api_key": self.env["BATON_SF_BATON_API_KEY"], **kwargs.pop("params", {})}
        url = f"{self.env['BATON_SF_BATON_URL']}/api/{path}"
        return self.session().request(method, url, params=params, timeout=30, **kwargs)

    def baton_get(self, path: str, **params: Any) -> Any:
        """GET a Baton path and return its JSON, failing on an error status."""
        response = self.baton("GET", path, params=params)
        response.raise_for_status()
        return response.json()

    def stats(self) -> dict[str, Any]:
        """Return the request counters."""
        response = self.session().get(f"{self.url}/__emulator/stats", timeout=30)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def close(self) -> None:
        for session in self._sessions:
            session.close()
        self._sessions.clear()


def write_seed(seed: dict[str, Any], directory: Path, *, fmt: str = "yaml") -> Path:
    """Write a seed mapping as a YAML (or JSON) file and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        path = directory / "seed.json"
        path.write_text(json.dumps(seed), encoding="utf-8")
        return path
    path = directory / "seed.yaml"
    with path.open("w", encoding="utf-8") as handle:
        YAML(typ="safe", pure=True).dump(seed, handle)
    return path


def _start(
    base: Path,
    seed: SeedArg,
    schema_dir: Path | None,
    fmt: str,
    started: list[RunningEmulator],
    faults: Path | None = None,
) -> RunningEmulator:
    seed_path = write_seed(seed, base / "seed", fmt=fmt) if isinstance(seed, dict) else seed
    state = base / "state"
    info = up(state, seed=seed_path, schema_dir=schema_dir, faults=faults)
    running = RunningEmulator(info, env(state))
    started.append(running)
    return running


def _stop_all(started: list[RunningEmulator]) -> None:
    for running in started:
        running.close()
        down(running.state_dir)


@pytest.fixture
def make_emulator(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., RunningEmulator]]:
    """Start emulators for one test: `make_emulator(seed=..., schema_dir=..., fmt="yaml")`."""
    started: list[RunningEmulator] = []

    def make(
        seed: SeedArg = None,
        schema_dir: Path | None = None,
        *,
        fmt: str = "yaml",
        faults: Path | None = None,
    ) -> RunningEmulator:
        base = tmp_path_factory.mktemp("emulator")
        return _start(base, seed, schema_dir, fmt, started, faults)

    yield make
    _stop_all(started)


@pytest.fixture(scope="session")
def make_shared_emulator(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., RunningEmulator]]:
    """Like make_emulator, but the emulators live for the whole session (read-only tests)."""
    started: list[RunningEmulator] = []

    def make(
        seed: SeedArg = None, schema_dir: Path | None = None, *, fmt: str = "yaml"
    ) -> RunningEmulator:
        return _start(tmp_path_factory.mktemp("shared-emulator"), seed, schema_dir, fmt, started)

    yield make
    _stop_all(started)
