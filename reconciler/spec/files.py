"""Which files make up a spec: every `*.yaml`/`*.yml` below a directory, in a stable order.

Hidden files and directories (a leading `.`) are skipped, and symbolic links to
directories are not followed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from reconciler.errors import SpecError

ENVIRONMENTS = "environments"
_SUFFIXES = (".yaml", ".yml")


def is_spec_file(name: str) -> bool:
    return not name.startswith(".") and name.lower().endswith(_SUFFIXES)


def spec_files(root: Path, *, skip: frozenset[str] = frozenset()) -> Iterator[Path]:
    """Spec files below `root`, sorted; directories named in `skip` are left out at the top."""
    for directory, subdirectories, names in os.walk(root):
        at_top = Path(directory) == root
        subdirectories[:] = sorted(
            d for d in subdirectories if not d.startswith(".") and not (at_top and d in skip)
        )
        for name in sorted(names):
            if is_spec_file(name):
                yield Path(directory) / name


def environment_names(root: Path) -> tuple[str, ...]:
    """The environments a spec directory defines: the directories under `environments/`."""
    environments = root / ENVIRONMENTS
    if not environments.is_dir():
        return ()
    return tuple(
        sorted(e.name for e in environments.iterdir() if e.is_dir() and not e.name.startswith("."))
    )


def stray_environment_files(root: Path) -> tuple[Path, ...]:
    """Spec files directly in `environments/`, which belong to no environment."""
    environments = root / ENVIRONMENTS
    if not environments.is_dir():
        return ()
    return tuple(sorted(p for p in environments.iterdir() if p.is_file() and is_spec_file(p.name)))


def yaml_files(paths: Iterable[Path]) -> list[Path]:
    """Each path that is a file, and every spec file below each directory (environments
    included), in the order given and without repeats. SpecError for a path that does not
    exist."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            found.update(dict.fromkeys(spec_files(path)))
        elif path.is_file():
            found[path] = None
        else:
            raise SpecError(
                f"{path} does not exist",
                hint="pass spec files, or directories that hold them",
            )
    return list(found)
