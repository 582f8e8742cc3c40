"""Emulators shared by the tests of this directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from emulator_seeds import STANDARD_SEED

from reconciler.emulator.describe import DEFAULT_SCHEMA_DIR

FIXTURES = Path("/work/shared/fixtures/salesforce/describe")


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
