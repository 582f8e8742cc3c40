"""Typed reading of one mapping of a document, every problem reported with its position.

The model builders read documents only through `Section`, so unknown keys, missing keys
and wrong types are all reported the same way, and pydantic never sees unchecked input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from pydantic import ValidationError

from reconciler.spec.diagnostics import DiagnosticLog, Location, suggestion
from reconciler.spec.yamltree import YEntry, YMap, YNode, YScalar, YSeq, is_null, kind_of


class Section:
    """One mapping (`what` names it in messages, e.g. `spec.salesforce`) and its known keys.

    Unknown keys are reported when the section is opened; `at` is where a missing key is
    reported (the key that holds this mapping).
    """

    def __init__(
        self,
        node: YMap,
        log: DiagnosticLog,
        what: str,
        known: Iterable[str],
        at: Location | None = None,
    ) -> None:
        self.node = node
        self.log = log
        self.what = what
        self.known = tuple(known)
        self.at = at or node.loc
        for key, entry in node.entries.items():
            if key not in self.known:
                log.error(
                    "unknown-key",
                    f"unknown key '{key}' in {what}",
                    entry.key_loc,
                    hint=suggestion(key, self.known),
                )

    def path(self, key: str) -> str:
        return f"{self.what}.{key}"

    def entry(self, key: str) -> YEntry | None:
        return self.node.entries.get(key) if key in self.known else None

    def value(self, key: str) -> YNode | None:
        """The value at `key`; None when absent or null (null means "the default")."""
        entry = self.entry(key)
        return None if entry is None or is_null(entry.value) else entry.value

    def has(self, key: str) -> bool:
        return self.value(key) is not None

    def key_loc(self, key: str) -> Location:
        entry = self.entry(key)
        return entry.key_loc if entry is not None else self.at

    def value_loc(self, key: str) -> Location:
        entry = self.entry(key)
        return entry.value.loc if entry is not None else self.at

    def missing(self, key: str, hint: str | None = None) -> None:
        self.log.error(
            "missing-key",
            f"{self.what} needs '{key}'",
            self.at,
            hint=f"add '{key}:' to {self.what}" + (f"; {hint}" if hint else ""),
        )

    def wrong_type(self, key: str, node: YNode, wanted: str, hint: str | None = None) -> None:
        wrong_type(self.log, self.path(key), node, wanted, hint)

    def required(self, key: str, hint: str | None = None) -> YNode | None:
        node = self.value(key)
        if node is None:
            self.missing(key, hint)
        return node

    def text(self, key: str, *, required: bool = False, hint: str | None = None) -> str | None:
        """A text value; numbers and booleans are reported, since quoting decides meaning."""
        node = self.required(key, hint) if required else self.value(key)
        if node is None:
            return None
        if isinstance(node, YScalar) and isinstance(node.value, str):
            if not node.value.strip():
                self.log.error("empty-value", f"{self.path(key)} is empty", node.loc, hint=hint)
                return None
            return node.value
        self.wrong_type(key, node, "text", hint or "quote the value to make it text")
        return None

    def flag(self, key: str) -> bool | None:
        node = self.value(key)
        if node is None:
            return None
        if isinstance(node, YScalar) and isinstance(node.value, bool):
            return node.value
        self.wrong_type(key, node, "true or false")
        return None

    def integer(self, key: str) -> int | None:
        node = self.value(key)
        if node is None:
            return None
        if isinstance(node, YScalar) and type(node.value) is int:
            return node.value
        self.wrong_type(key, node, "a whole number")
        return None

    def mapping(self, key: str, *, required: bool = False) -> YMap | None:
        node = self.required(key) if required else self.value(key)
        if node is None:
            return None
        if isinstance(node, YMap):
            return node
        self.wrong_type(key, node, "a mapping")
        return None

    def sequence(self, key: str, *, required: bool = False) -> YSeq | None:
        node = self.required(key) if required else self.value(key)
        if node is None:
            return None
        if isinstance(node, YSeq):
            return node
        self.wrong_type(key, node, "a list")
        return None

    def section(self, key: str, known: Iterable[str], *, required: bool = False) -> Section | None:
        node = self.mapping(key, required=required)
        if node is None:
            return None
        return Section(node, self.log, self.path(key), known, at=self.key_loc(key))

    def choice(self, key: str, options: Iterable[str]) -> str | None:
        """A text value that must be one of `options`."""
        allowed = tuple(options)
        text = self.text(key, hint="one of: " + ", ".join(allowed))
        if text is None or text in allowed:
            return text
        self.log.error(
            "bad-value",
            f"{self.path(key)} is '{text}', which is not one of {', '.join(allowed)}",
            self.value_loc(key),
            hint=suggestion(text, allowed, "values"),
        )
        return None


def wrong_type(
    log: DiagnosticLog, what: str, node: YNode, wanted: str, hint: str | None = None
) -> None:
    """Report that `what` holds `node` where `wanted` belongs."""
    log.error("wrong-type", f"{what} must be {wanted}, not {kind_of(node)}", node.loc, hint=hint)


Model = TypeVar("Model")


def build_model(
    log: DiagnosticLog, at: Location, what: str, factory: Callable[[], Model]
) -> Model | None:
    """`factory()`, its input already checked; should pydantic still refuse it, the refusal
    becomes a diagnostic at `at` rather than a pydantic message."""
    try:
        return factory()
    except ValidationError as exc:
        problem = exc.errors()[0]
        place = ".".join(str(part) for part in problem["loc"])
        log.error("invalid-value", f"{what} is invalid at {place}: {problem['msg']}", at)
        return None
