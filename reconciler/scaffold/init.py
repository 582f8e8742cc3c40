"""Writing a spec repository: the example spec (a connection that uses secret references,
one import rule, one sync-back, `sandbox` and `production` environments), the JSON Schemas
its modelines name, the default policies, the two GitHub Actions workflows and a
`.gitignore`.

The files are package data under `files/`; the default policies there are the same file as
the repository's `policies/guardrails.yaml`, and the workflows the same as
`examples/github-actions/`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Final

from reconciler.errors import BatonSfError
from reconciler.spec.json_schema import OVERLAY_SCHEMA_FILE, SCHEMA_FILE, schema_text

GITIGNORE: Final = """\
# baton-sf's local journal, locks and emulator state
.baton-sf/
# saved plans and the comment rendered from them
plan.json
plan.md
"""

# Where each packaged file goes, relative to the new repository.
FILES: Final = {
    "specs/connection.yaml": "specs/connection.yaml",
    "specs/import/closed-won.yaml": "specs/import/closed-won.yaml",
    "specs/sync/opportunity.yaml": "specs/sync/opportunity.yaml",
    "specs/environments/sandbox/connection.yaml": "specs/environments/sandbox/connection.yaml",
    "specs/environments/production/connection.yaml": (
        "specs/environments/production/connection.yaml"
    ),
    "policies/guardrails.yaml": "policies/guardrails.yaml",
    "workflows/baton-sf-plan.yaml": ".github/workflows/baton-sf-plan.yaml",
    "workflows/baton-sf-apply.yaml": ".github/workflows/baton-sf-apply.yaml",
}


class ScaffoldError(BatonSfError):
    """The repository cannot be written: files exist, or the disk refuses."""


def template_text(name: str) -> str:
    """The packaged file `name` (a key of FILES)."""
    return resources.files("reconciler.scaffold").joinpath("files", name).read_text("utf-8")


def scaffold(target: Path, *, force: bool = False) -> list[Path]:
    """Write the repository into `target` and return the files written. Existing files are
    refused, all of them named, unless `force`; nothing is written then."""
    contents = {target / dest: template_text(source) for source, dest in FILES.items()}
    contents[target / "schema" / SCHEMA_FILE] = schema_text()
    contents[target / "schema" / OVERLAY_SCHEMA_FILE] = schema_text(overlay=True)
    contents[target / ".gitignore"] = GITIGNORE
    if target.exists() and not target.is_dir():
        raise ScaffoldError(
            f"{target} exists and is not a directory", hint="choose a new directory name"
        )
    existing = sorted(str(path) for path in contents if path.exists())
    if existing and not force:
        more = f", and {len(existing) - 3} more" if len(existing) > 3 else ""
        raise ScaffoldError(
            f"{len(existing)} file(s) already exist: {', '.join(existing[:3])}{more}",
            hint="choose an empty directory, or pass --force to overwrite them",
        )
    for path, text in contents.items():
        _write(path, text)
    return list(contents)


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ScaffoldError(
            f"cannot write {path}: {exc.strerror}", hint="check the directory's permissions"
        ) from exc
