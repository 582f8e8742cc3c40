"""Emulators with a faults file, for the schema-stage tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from ruamel.yaml import YAML

from reconciler.emulator import down, env, up
from tests.conftest import RunningEmulator, write_seed


@pytest.fixture
def make_faulty_org(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., RunningEmulator]]:
    """Start an emulator from a seed and a faults mapping: `make_faulty_org(seed, faults)`."""
    started: list[RunningEmulator] = []

    def make(seed: dict[str, Any], faults: dict[str, Any]) -> RunningEmulator:
        base = tmp_path_factory.mktemp("faulty-org")
        faults_path = base / "faults.yaml"
        with faults_path.open("w", encoding="utf-8") as handle:
            YAML(typ="safe", pure=True).dump(faults, handle)
        info = up(base / "state", seed=write_seed(seed, base / "seed"), faults=faults_path)
        running = RunningEmulator(info, env(base / "state"))
        started.append(running)
        return running

    yield make
    for running in started:
        running.close()
        down(running.state_dir)
