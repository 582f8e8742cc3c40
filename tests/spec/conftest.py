"""Fixtures for the spec tests: a factory that writes a spec directory, with SPEC.md's
example documents as the valid base that each test changes."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
from spec_support import BASE, Check, MakeSpec

from reconciler.spec import Diagnostic, Spec, validate_spec


@pytest.fixture
def make_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MakeSpec:
    """Write a spec directory `spec/` (relative to a fresh current directory) and return it.

    `files` maps paths inside the directory to text (or bytes); None leaves a base file out.
    With `base=False` only `files` are written. Each call starts from an empty directory.
    """
    monkeypatch.chdir(tmp_path)

    def make(files: Mapping[str, str | bytes | None] | None = None, *, base: bool = True) -> Path:
        root = Path("spec")
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir()
        contents: dict[str, str | bytes | None] = dict(BASE) if base else {}
        contents.update(files or {})
        for name, text in contents.items():
            if text is None:
                continue
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
        return root

    return make


@pytest.fixture
def check(make_spec: MakeSpec) -> Check:
    """Write a spec (as `make_spec`) and validate it, for environment `env`."""

    def run(
        files: Mapping[str, str | bytes | None] | None = None,
        *,
        base: bool = True,
        env: str | None = None,
    ) -> tuple[Spec | None, list[Diagnostic]]:
        return validate_spec(make_spec(files, base=base), env)

    return run
