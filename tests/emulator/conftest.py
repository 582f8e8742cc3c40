"""Emulators shared by the tests of this directory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from emulator_seeds import FIXTURES, STANDARD_SEED
from ruamel.yaml import YAML

from reconciler.emulator import down, env, up
from reconciler.emulator.describe import DEFAULT_SCHEMA_DIR
from tests.conftest import RunningEmulator, write_seed


@pytest.fixture(scope="session")
def standard(make_shared_emulator: Callable[..., Any]) -> Any:
    """An emulator seeded with STANDARD_SEED; tests must not change its seeded data."""
    return make_shared_emulator(seed=STANDARD_SEED)


@pytest.fixture(scope="session")
def writable(make_shared_emulator: Callable[..., Any]) -> Any:
    """An emulator seeded with STANDARD_SEED for tests that write records of their own."""
    return make_shared_emulator(seed=STANDARD_SEED)


@pytest.fixture(scope="session")
def describe_dir() -> Path:
    """The recorded describe payloads (the package's copies when the fixtures are absent)."""
    return FIXTURES if FIXTURES.is_dir() else DEFAULT_SCHEMA_DIR


def _faulty_starter(
    tmp_path_factory: pytest.TempPathFactory, started: list[RunningEmulator]
) -> Callable[..., RunningEmulator]:
    def make(faults: dict[str, Any], seed: dict[str, Any] | None = None) -> RunningEmulator:
        base = tmp_path_factory.mktemp("faulty-emulator")
        faults_path = base / "faults.yaml"
        with faults_path.open("w", encoding="utf-8") as handle:
            YAML(typ="safe", pure=True).dump(faults, handle)
        seed_path = write_seed(seed, base / "seed") if seed is not None else None
        info = up(base / "state", seed=seed_path, faults=faults_path)
        running = RunningEmulator(info, env(base / "state"))
        started.append(running)
        return running

    return make


def _stop(started: list[RunningEmulator]) -> None:
    for running in started:
        running.close()
        down(running.state_dir)


@pytest.fixture
def make_faulty_emulator(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., RunningEmulator]]:
    """Start emulators with a faults file: `make_faulty_emulator(faults, seed=None)`."""
    started: list[RunningEmulator] = []
    yield _faulty_starter(tmp_path_factory, started)
    _stop(started)


@pytest.fixture(scope="module")
def make_module_faulty_emulator(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., RunningEmulator]]:
    """Like make_faulty_emulator, for emulators that serve a whole module."""
    started: list[RunningEmulator] = []
    yield _faulty_starter(tmp_path_factory, started)
    _stop(started)
