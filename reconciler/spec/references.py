"""Values of a Connection that may be written in place or referenced: `{env: NAME}` reads an
environment variable and `{file: path}` a file, at run time.

A `{file: ...}` path is relative to the spec directory (the directory given to `load_spec`),
wherever the document that holds it lives, so that base documents and environment overlays
name the same file the same way. An absolute path, or one starting with `~`, is used as is.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict

from reconciler.errors import SecretReferenceError

ENV_NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class EnvRef(BaseModel):
    """`{env: NAME}`: the value of environment variable NAME."""

    model_config = ConfigDict(frozen=True)

    env: str

    def __str__(self) -> str:
        return f"{{env: {self.env}}}"


class FileRef(BaseModel):
    """`{file: path}`: the text of a file, relative to the spec directory."""

    model_config = ConfigDict(frozen=True)

    file: str

    def __str__(self) -> str:
        return f"{{file: {self.file}}}"


Value = str | EnvRef | FileRef


def is_reference(value: Value | None) -> bool:
    """True for `{env: ...}` and `{file: ...}`, False for a literal or nothing."""
    return isinstance(value, EnvRef | FileRef)


def resolve(value: Value, spec_dir: Path) -> str:
    """The text `value` stands for: itself, an environment variable or a file's content
    (one trailing line break removed).

    Raises SecretReferenceError naming the variable or file and the fix; the message never
    holds the value.
    """
    if isinstance(value, EnvRef):
        return _from_env(value)
    if isinstance(value, FileRef):
        return _from_file(value, spec_dir)
    return value


def reference_path(ref: FileRef, spec_dir: Path) -> Path:
    """Where a `{file: ...}` reference points."""
    return _in_spec_dir(ref.file, spec_dir)


def resolve_path(value: Value, spec_dir: Path) -> Path:
    """A value that names a file (a `caBundle`), resolved, as a path: a relative path is
    relative to the spec directory, as a `{file: ...}` reference is."""
    return _in_spec_dir(resolve(value, spec_dir), spec_dir)


def _in_spec_dir(text: str, spec_dir: Path) -> Path:
    path = Path(text).expanduser()
    return path if path.is_absolute() else spec_dir / path


def _from_env(ref: EnvRef) -> str:
    text = os.environ.get(ref.env)
    if text is None:
        raise SecretReferenceError(
            f"environment variable {ref.env} is not set (the spec references {ref})",
            hint=f"export {ref.env} before running, or change the reference in the Connection",
        )
    if not text.strip():
        raise SecretReferenceError(
            f"environment variable {ref.env} is empty (the spec references {ref})",
            hint=f"give {ref.env} a value, or change the reference in the Connection",
        )
    return text


def _from_file(ref: FileRef, spec_dir: Path) -> str:
    path = reference_path(ref, spec_dir)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise SecretReferenceError(
            f"file {path} does not exist (the spec references {ref})",
            hint="create it, or correct the path; it is relative to the spec directory",
        ) from exc
    except OSError as exc:
        raise SecretReferenceError(
            f"cannot read file {path} (the spec references {ref}): {exc.strerror}",
            hint="check that it is a readable file",
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SecretReferenceError(
            f"file {path} is not UTF-8 text (the spec references {ref})",
            hint="store the value as UTF-8 text (a PEM key is)",
        ) from exc
    text = text.removesuffix("\n").removesuffix("\r")
    if not text.strip():
        raise SecretReferenceError(
            f"file {path} is empty (the spec references {ref})", hint="put the value in it"
        )
    return text
