"""Reading the values that need more than a type check: references, URLs, field paths."""

from __future__ import annotations

import ipaddress
import re
from typing import Final
from urllib.parse import urlsplit

from reconciler.spec.diagnostics import DiagnosticLog, Location
from reconciler.spec.references import ENV_NAME, EnvRef, FileRef, Value
from reconciler.spec.sections import wrong_type
from reconciler.spec.templates import is_template, template_problems, template_variables
from reconciler.spec.yamltree import YMap, YNode, YScalar

FIELD_NAME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
FIELD_PATH: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*$")
_REFERENCE_HINT: Final = "write {env: VARIABLE} or {file: path/relative/to/the/spec/directory}"


def read_value(node: YNode, what: str, log: DiagnosticLog, *, secret: bool) -> Value | None:
    """A Connection value: literal text, or a reference. A secret must be a reference, and
    its literal value is never repeated in a message."""
    if isinstance(node, YMap):
        return _reference(node, what, log)
    if secret:
        log.error(
            "literal-secret",
            f"{what} is a secret and must be a reference, not a value written in the spec",
            node.loc,
            hint=_REFERENCE_HINT + ", and keep the secret out of the repository",
        )
        return None
    if isinstance(node, YScalar) and isinstance(node.value, str) and node.value.strip():
        return node.value
    wrong_type(log, what, node, "text or a reference", hint=_REFERENCE_HINT)
    return None


def _reference(node: YMap, what: str, log: DiagnosticLog) -> Value | None:
    keys = list(node.entries)
    if len(keys) != 1 or keys[0] not in ("env", "file"):
        log.error(
            "bad-reference",
            f"{what} is a mapping but not a reference; a reference has one key, env or file",
            node.loc,
            hint=_REFERENCE_HINT,
        )
        return None
    target = node.entries[keys[0]].value
    if not (isinstance(target, YScalar) and isinstance(target.value, str) and target.value):
        wrong_type(log, f"{what}.{keys[0]}", target, "text", hint=_REFERENCE_HINT)
        return None
    if keys[0] == "file":
        return FileRef(file=target.value)
    if not ENV_NAME.match(target.value):
        log.error(
            "bad-reference",
            f"'{target.value}' is not an environment variable name",
            target.loc,
            hint="use letters, digits and underscores, not starting with a digit",
        )
        return None
    return EnvRef(env=target.value)


def check_url(value: Value | None, what: str, at: Location, log: DiagnosticLog) -> None:
    """`https://` is required, plain `http://` allowed on loopback only. A reference cannot
    be checked offline and is left alone."""
    if not isinstance(value, str):
        return
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname
        parts.port  # noqa: B018 - parsing the port is what validates it
    except ValueError:
        host, parts = None, None
    if parts is None or parts.scheme not in ("http", "https") or not host:
        log.error("bad-url", f"{what} '{value}' is not a URL", at, hint="write it as https://host")
    elif parts.scheme == "http" and not is_loopback(host):
        log.error(
            "insecure-url",
            f"{what} '{value}' uses plain http",
            at,
            hint="use https://; plain http is allowed only on loopback (127.0.0.1, ::1, localhost)",
        )


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_field_path(path: str, what: str, at: Location, log: DiagnosticLog) -> bool:
    """A dotted field path, `CloseDate` or `Primary_Contact__r.Email`."""
    if FIELD_PATH.match(path):
        return True
    log.error(
        "bad-field-path",
        f"{what} '{path}' is not a field path",
        at,
        hint="write an API name or a dotted path through relationships, e.g. Account.Name",
    )
    return False


def read_source(node: YNode, what: str, log: DiagnosticLog) -> str | None:
    """A field's source at import: a field path, or a template (any text holding `{{`)."""
    if not (isinstance(node, YScalar) and isinstance(node.value, str) and node.value.strip()):
        wrong_type(log, what, node, "a field path or a template", hint="e.g. Account.Name")
        return None
    text = node.value
    if not is_template(text):
        return text.strip() if check_field_path(text.strip(), what, node.loc, log) else None
    problems = template_problems(text)
    for problem in problems:
        log.error(
            "bad-template",
            f"{what}: template is not allowed: {problem}",
            node.loc,
            hint="templates read field paths, e.g. {{ Account.Name }} - {{ Name }}",
        )
    if problems:
        return None
    valid = [
        check_field_path(v, f"{what}: template variable", node.loc, log)
        for v in sorted(template_variables(text))
    ]
    return text if all(valid) else None
